// ECC simulators for end-to-end tests, started in the test process on loopback addresses that
// fit the easy setup's "next address" rule: the CoBos' servers on 127.0.0.<first>, <first+1>, …
// and the MuTAnT's on the address after them, all on one port (each address is its own socket).
import {
  closeEccSimulators,
  startEccSimulator,
  type EccSimulator,
  type EccSimulatorOptions,
} from '../../../src/main/ecc/simulator';

export interface EasySetupSims {
  /** The CoBos' servers (ECC0, ECC1, …), in order. */
  cobos: EccSimulator[];
  /** The MuTAnT's server (ECC_mutant), when asked for. */
  mutant: EccSimulator | null;
  /** Every simulator. */
  all: EccSimulator[];
  port: number;
  /** The easy-setup fields that point the experiment at these simulators. */
  easySetup: Record<string, unknown>;
  /** The simulator behind an ECC server of the easy setup, by its name (`ECC2`, `ECC_mutant`). */
  byName(name: string): EccSimulator;
  close(): Promise<void>;
}

export interface EasySetupSimsOptions extends Omit<EccSimulatorOptions, 'host' | 'port'> {
  cobos?: number;
  mutant?: boolean;
  /** The last number of the first CoBo server's address (127.0.0.<first>). */
  first?: number;
}

const ATTEMPTS = 5;

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

/** Starts one simulator per CoBo (and one for the MuTAnT) and the easy-setup input that uses them. */
export async function startEasySetupSims(options: EasySetupSimsOptions = {}): Promise<EasySetupSims> {
  const { cobos: coboCount = 4, mutant: withMutant = true, first = 1, ...behaviour } = options;
  const count = coboCount + (withMutant ? 1 : 0);
  if (first < 1 || first + count - 1 > 254) throw new Error('The simulators need addresses 127.0.0.1 … 127.0.0.254');
  const host = (i: number) => `127.0.0.${first + i}`;

  for (let attempt = 1; ; attempt++) {
    // The first picks a free port; the others take the same port on their own addresses.
    const started: EccSimulator[] = [await startEccSimulator({ ...behaviour, host: host(0), port: 0 })];
    const port = started[0]!.port;
    try {
      for (let i = 1; i < count; i++) started.push(await startEccSimulator({ ...behaviour, host: host(i), port }));
    } catch (error) {
      await closeEccSimulators(started);
      if (isAddressInUse(error) && attempt < ATTEMPTS) continue;
      throw error;
    }
    const cobos = started.slice(0, coboCount);
    const mutant = withMutant ? (started[coboCount] ?? null) : null;
    return {
      cobos,
      mutant,
      all: started,
      port,
      easySetup: {
        coboCount,
        sharedEccServer: false,
        eccAddress: host(0),
        eccPort: port,
        mutant: mutant ? { eccAddress: host(coboCount), dataRouterAddress: '127.0.2.100' } : null,
      },
      byName(name: string) {
        const found = name === 'ECC_mutant' ? mutant : cobos[Number(/^ECC(\d+)$/.exec(name)?.[1] ?? NaN)];
        if (!found) throw new Error(`No simulator for ECC server ${name}`);
        return found;
      },
      close: () => closeEccSimulators(started),
    };
  }
}
