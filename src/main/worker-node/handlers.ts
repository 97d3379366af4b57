// Operations on the worker computers over SSH: the live status of the periodic checks, trusting
// the host key a worker computer presented, and the application's own SSH settings per host.
import { ApiError } from '../../shared/api/errors';
import { defineHandlers } from '../api/handler';
import type { WorkerChecks } from './checks';
import { listSshHosts, removeSshHost, setSshHost } from './hosts';
import { appKnownHostsFile, trustHostKey } from './known-hosts';

export function workerHandlers(checks: WorkerChecks | null, onTrusted?: () => void) {
  return defineHandlers({
    'workers.status': {
      reads: ['workers_status', 'experiment', 'data_router', 'ecc_server'],
      run: () => (checks ? checks.status() : { experimentId: null, hosts: [], dataRouters: [], eccServers: [] }),
    },
    'hosts.trust': {
      run: (input, { app, auditTarget }) => {
        auditTarget(`${input.host}:${input.port} ${input.keyType} ${input.fingerprint}`);
        const key = checks?.presentedKey(input.host, input.port, input.fingerprint);
        if (!key) {
          throw new ApiError('NOT_FOUND', `No check has seen ${input.host}:${input.port} present an unknown key with fingerprint ${input.fingerprint}`, 'fingerprint');
        }
        if (key.keyType !== input.keyType) {
          throw new ApiError('REFUSED', `The key with that fingerprint is ${key.keyType}, not ${input.keyType}`, 'keyType');
        }
        const file = appKnownHostsFile(app.dataDir);
        trustHostKey(file, key.host, key.port, Buffer.from(key.keyBase64, 'base64'));
        onTrusted?.();
        return { host: key.host, port: key.port, keyType: key.keyType, fingerprint: key.fingerprint, file };
      },
    },
    'sshHosts.list': {
      reads: ['ssh_host'],
      run: (_input, { store }) => listSshHosts(store),
    },
    'sshHosts.set': {
      describeTarget: (input) => input.host,
      run: (input, { store }) => setSshHost(store, input),
    },
    'sshHosts.remove': {
      describeTarget: (input) => input.host,
      run: (input, { store }) => {
        if (!removeSshHost(store, input.host)) throw new ApiError('NOT_FOUND', `No SSH settings are stored for ${input.host}`, 'host');
        return { host: input.host };
      },
    },
  });
}
