// Easy setup: the whole setup of N CoBos (and optionally a MuTAnT) generated from a few answers,
// with the names the config files expect and addresses numbered from the first CoBo's.
import type { ParsedInputOf } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { DEFAULT_SOAP_NAMESPACE, isValidAddress } from '../../shared/domain';
import type { SetupPlan } from './document';

export type EasySetupInput = ParsedInputOf<'setup.easy'>;

const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const endsInNumber = /^(.*?)(\d+)$/;

/**
 * The address `offset` places after `first`, counting on its last number: the last octet of an
 * IPv4 address, or the number a host name ends in (keeping its zero padding: mac09, mac10).
 * `field` and `forWhom` say, in an error, which input and which component the address was for.
 */
export function numberedAddress(first: string, offset: number, field: string, forWhom: string): string {
  if (offset === 0) return first;
  const octets = ipv4.exec(first);
  if (octets) {
    const last = Number(octets[4]) + offset;
    const address = `${octets[1]}.${octets[2]}.${octets[3]}.${last}`;
    if (last > 255) {
      throw new ApiError(
        'INVALID_INPUT',
        `${forWhom} would need the address ${address}, but the last number of an IPv4 address cannot go beyond 255: ` +
          `start from a lower address or set up fewer CoBos`,
        field,
      );
    }
    return address;
  }
  const numbered = first.includes(':') ? null : endsInNumber.exec(first);
  if (!numbered) {
    throw new ApiError(
      'INVALID_INPUT',
      `Cannot number addresses from "${first}": it does not end in a number (use an IPv4 address or a host name such as mac01)`,
      field,
    );
  }
  const digits = numbered[2] ?? '';
  const address = `${numbered[1] ?? ''}${String(Number(digits) + offset).padStart(digits.length, '0')}`;
  if (!isValidAddress(address)) {
    throw new ApiError('INVALID_INPUT', `${forWhom} would need the address "${address}", which is not a valid host name`, field);
  }
  return address;
}

export function planEasySetup(input: EasySetupInput): SetupPlan {
  const eccServer = (name: string, address: string): SetupPlan['eccServers'][number] => ({
    name,
    address,
    port: input.eccPort,
    logPath: input.eccLogPath,
    configRoot: input.configRoot,
    configBackupRoot: input.configBackupRoot,
    soapNamespace: DEFAULT_SOAP_NAMESPACE,
    selectedConfigSet: null,
  });
  const plan: SetupPlan = { eccServers: [], dataRouters: [], dataSources: [], observables: [] };
  const shared = input.sharedEccServer;
  if (shared) plan.eccServers.push(eccServer('ECC', input.eccAddress));

  for (let i = 0; i < input.coboCount; i++) {
    const source = `CoBo[${i}]`;
    const eccName = shared ? 'ECC' : `ECC${i}`;
    if (!shared) {
      plan.eccServers.push(
        eccServer(eccName, numberedAddress(input.eccAddress, i, 'eccAddress', `The ECC server of ${source}`)),
      );
    }
    const routerName = `DataRouter${i}`;
    plan.dataRouters.push({
      name: routerName,
      address: numberedAddress(input.dataRouterAddress, i, 'dataRouterAddress', `The data router of ${source}`),
      port: input.dataRouterPort,
      connectionType: 'TCP',
      logPath: input.dataRouterLogPath,
    });
    plan.dataSources.push({ name: source, eccServer: eccName, dataRouter: routerName });
  }

  if (input.mutant) {
    const eccName = shared ? 'ECC' : 'ECC_mutant';
    if (!shared) {
      // The input schema requires it in this case; checked again because the type cannot say so.
      if (!input.mutant.eccAddress) {
        throw new ApiError('INVALID_INPUT', 'Required: the MuTAnT gets its own ECC server unless one is shared', 'mutant.eccAddress');
      }
      plan.eccServers.push(eccServer(eccName, input.mutant.eccAddress));
    }
    plan.dataRouters.push({
      name: 'DataRouter_mutant',
      address: input.mutant.dataRouterAddress,
      port: input.dataRouterPort,
      connectionType: 'FDT',
      logPath: input.dataRouterLogPath,
    });
    plan.dataSources.push({ name: 'Mutant[master]', eccServer: eccName, dataRouter: 'DataRouter_mutant' });
  }
  return plan;
}
