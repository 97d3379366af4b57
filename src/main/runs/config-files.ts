// Each ECC server's three selected config files as last read over SFTP from its config_root on its
// computer (their SHA-256, issue 13): read in the SSH check round, so that Start all's checklist
// shows a file that cannot be read before anyone presses Start all, and read again by Start all
// itself just before the start (what the run records). The reads are SSH gateway tasks: nothing
// here waits on the network on a request's path.
import type { ChecklistItem } from '../../shared/domain';
import { configSetLabel } from '../../shared/domain';
import type { Store } from '../db/store';
import type { ConfigSetNames } from '../ecc/gateway';
import { listServerTargets } from '../ecc/control/queries';
import { findActiveExperiment } from '../experiments/queries';
import { listEccServers } from '../setup/queries';
import { nowIso } from '../time';
import type { ConfigFileReading } from '../worker-node/files';
import type { SshGateway } from '../worker-node/ssh-pool';
import type { SshHost } from '../worker-node/ssh-worker';

/** An ECC server as its config files are read: where, and which set. */
export interface ConfigFilesTarget {
  id: number;
  name: string;
  address: string;
  configRoot: string;
  configSet: ConfigSetNames | null;
}

/** One read of a server's files: each file's answer, or why none could be read (an SSH failure). */
export interface ConfigFilesReading {
  /** What was read (config_root and the three names): a reading of another set says nothing of this one. */
  of: string;
  readAt: string;
  files: ConfigFileReading[] | null;
  error: string | null;
}

/** `describe-<d>.xcfg`, `prepare-<p>.xcfg`, `configure-<c>.xcfg` of a set (the backup after Stop copies the same). */
export function configFileNames(set: ConfigSetNames): string[] {
  return [`describe-${set.describe}.xcfg`, `prepare-${set.prepare}.xcfg`, `configure-${set.configure}.xcfg`];
}

function readingOf(target: ConfigFilesTarget): string {
  return target.configSet ? JSON.stringify([target.configRoot, ...configFileNames(target.configSet)]) : '';
}

type Draft = Omit<ChecklistItem, 'override'>;

export class ConfigFileReadings {
  private readonly readings = new Map<number, ConfigFilesReading>();
  private closed = false;

  constructor(
    private readonly store: Store,
    /** Null where this process reaches no worker computer: the items say so. */
    private readonly gateway: Pick<SshGateway, 'hashConfigFiles'> | null,
    private readonly host: (address: string) => SshHost,
    private readonly announce: () => void = () => undefined,
  ) {}

  /** The active experiment's servers as their files are read. */
  targets(experimentId: number): ConfigFilesTarget[] {
    const sets = new Map(listServerTargets(this.store, experimentId).map((t) => [t.id, t.configSet]));
    return listEccServers(this.store, experimentId).map((s) => ({ id: s.id, name: s.name, address: s.address, configRoot: s.configRoot, configSet: sets.get(s.id) ?? null }));
  }

  /** The check round's part: every server of the active experiment with a selected set. */
  async checkActive(): Promise<void> {
    const experiment = findActiveExperiment(this.store);
    if (!experiment || this.closed) return;
    const targets = this.targets(experiment.id);
    const ids = new Set(targets.map((t) => t.id));
    for (const id of this.readings.keys()) if (!ids.has(id)) this.readings.delete(id);
    await this.read(targets);
    if (!this.closed) this.announce();
  }

  /** Reads the files of these servers now, all at once; returns (and keeps) each server's reading. */
  async read(targets: readonly ConfigFilesTarget[]): Promise<Map<number, ConfigFilesReading>> {
    const found = new Map<number, ConfigFilesReading>();
    await Promise.all(
      targets.map(async (target) => {
        if (!target.configSet) return;
        const of = readingOf(target);
        let reading: ConfigFilesReading;
        if (!this.gateway) {
          reading = { of, readAt: nowIso(), files: null, error: 'this application reaches no worker computer' };
        } else {
          try {
            const files = await this.gateway.hashConfigFiles(this.host(target.address), { configRoot: target.configRoot, files: configFileNames(target.configSet) });
            reading = { of, readAt: nowIso(), files, error: null };
          } catch (error) {
            reading = { of, readAt: nowIso(), files: null, error: error instanceof Error ? error.message : String(error) };
          }
        }
        if (this.closed) return;
        this.readings.set(target.id, reading);
        found.set(target.id, reading);
      }),
    );
    return found;
  }

  /** The last reading of a server's files as they are selected now (undefined when not read for this set). */
  reading(target: ConfigFilesTarget): ConfigFilesReading | undefined {
    const reading = this.readings.get(target.id);
    return reading && reading.of === readingOf(target) ? reading : undefined;
  }

  /**
   * The checklist item of a server's config files (none without a selected set: its ECC item
   * fails already). A file the server says is missing or unreadable fails, and no override lets
   * it through: the run could not record what its server was configured with, the backup after
   * Stop would fail too, and a file missing from config_root means the setup is wrong (mend the
   * path, or the file). A computer that did not answer leaves the files not known: an operator
   * may override that with a reason, which the run keeps, and the run records each file's hash as
   * not read with that reason.
   */
  item(target: ConfigFilesTarget): Draft | null {
    if (!target.configSet) return null;
    const key = `config-files:${target.id}`;
    const label = `${target.name}: its config files of ${configSetLabel(target.configSet)} readable in ${target.configRoot}`;
    const draft = (status: ChecklistItem['status'], reason: string, overridable: boolean): Draft => ({ key, label, status, reason, overridable });
    const reading = this.reading(target);
    if (!reading) return draft('unknown', `${target.name}'s config files: not read yet`, true);
    if (reading.files === null) return draft('unknown', `${target.name}'s config files could not be read on ${target.address}: ${reading.error ?? 'no answer'}`, true);
    const bad = reading.files.flatMap((f) => (f.status === 'read' ? [] : [f]));
    if (bad.length > 0) {
      const list = bad.map((f) => `${f.name} of ${target.name} cannot be read (${f.message})`).join('; ');
      return draft('fail', `${list}: the run could not record what ${target.name} was configured with`, false);
    }
    return draft('pass', `${target.name}: ${reading.files.length} config files read at ${reading.readAt}`, false);
  }

  close(): void {
    this.closed = true;
  }
}
