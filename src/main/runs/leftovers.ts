// Mending a staging directory that holds `.graw` files of no known run (a crash, an earlier
// session): an operator moves them aside into `<staging>/<experiment>/unsorted/<YYYYMMDD-HHMMSS>/`,
// over SSH in the background. Nothing is deleted or overwritten; the move is logged with its count
// and the router's staging directory is checked again afterwards (its clean state).
import type { Started } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { Store } from '../db/store';
import { findExperiment } from '../experiments/queries';
import { insertLogEntry, type NewLogEntry } from '../log/queries';
import { findCurrentRun } from '../runsheet/queries';
import { findDataRouter } from '../setup/queries';
import { nowIso } from '../time';
import { SshError } from '../worker-node/connection';
import type { SshGateway } from '../worker-node/ssh-pool';
import type { SshHost } from '../worker-node/ssh-worker';
import { describeStagingAnswer } from '../worker-node/staging';
import { findOpenOrganizeJob } from './jobs';
import type { DataRouterCleanliness } from './routers';

/** `20261204-153000`: the folder of one move, in local time (the clock the operators read). */
export function leftoversFolderName(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
}

export class LeftoverFiles {
  /** Routers whose leftovers are being moved now: one move at a time each. */
  private readonly moving = new Set<number>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly gateway: SshGateway,
    private readonly host: (address: string) => SshHost,
    private readonly routers: DataRouterCleanliness,
  ) {}

  /** The rules checked, the move started in the background; refused with the reason otherwise. */
  moveAside(dataRouterId: number, who: string): Started {
    const router = findDataRouter(this.store, dataRouterId);
    if (!router) throw new ApiError('NOT_FOUND', `No data router #${dataRouterId}`, 'id');
    const experiment = findExperiment(this.store, router.experimentId);
    if (!experiment) throw new ApiError('NOT_FOUND', `The experiment of ${router.name} is missing`, 'id');
    const what = `Moving the leftover files of ${router.name} aside`;
    const run = findCurrentRun(this.store, experiment.id);
    if (run) throw new ApiError('REFUSED', `${what} refused: run ${run.number} is going (its files are being written); stop it first`);
    const job = findOpenOrganizeJob(this.store, router.id);
    if (job) {
      throw new ApiError(
        'REFUSED',
        `${what} refused: the after-stop job #${job.id} of run ${job.runNumber} is ${job.status} (it moves these files into their run folder); wait for it`,
      );
    }
    if (this.moving.has(router.id)) throw new ApiError('REFUSED', `${what} refused: they are being moved already`);
    if (this.closed) throw new ApiError('REFUSED', `${what} refused: the application is closing`);

    const folder = leftoversFolderName(new Date());
    this.moving.add(router.id);
    const log = (entry: Omit<NewLogEntry, 'experimentId' | 'source' | 'subject'>) => {
      if (!this.closed) this.store.write(['log_entry'], () => insertLogEntry(this.store, { experimentId: experiment.id, source: 'ssh', subject: router.name, ...entry }));
    };
    const host = this.host(router.address);
    void this.gateway
      .moveLeftovers(host, { port: router.port, experiment: experiment.name, folder })
      .then(
        (answer) => {
          if (!answer.result) {
            log({ level: 'error', message: `${what} failed: staging directory not found: ${describeStagingAnswer(answer.staging)}` });
            return;
          }
          const r = answer.result;
          const problems = [
            ...(r.skippedExisting.length > 0 ? [`${r.skippedExisting.length} name(s) already taken there, left in place: ${r.skippedExisting.join(', ')}`] : []),
            ...(r.errors.length > 0 ? [`${r.errors.length} file(s) not moved: ${r.errors.map((e) => `${e.name} (${e.message})`).join(', ')}`] : []),
            ...(r.interrupted ? ['interrupted before every file was tried'] : []),
          ];
          log({
            level: problems.length > 0 ? 'error' : 'info',
            message: `${what} (asked by ${who}): ${r.moved} file(s) moved to ${r.destination}${problems.length > 0 ? `; ${problems.join('; ')}` : ''}`,
          });
        },
        (error: unknown) => log({ level: 'error', message: `${what} failed: ${error instanceof Error ? error.message : String(error)}` }),
      )
      .then(() => this.recheck(router.id, host, router.port))
      .catch((error: unknown) => log({ level: 'error', message: `${what}: ${error instanceof Error ? error.message : String(error)}` }))
      .finally(() => this.moving.delete(router.id));
    return { started: nowIso() };
  }

  close(): void {
    this.closed = true;
  }

  private async recheck(dataRouterId: number, host: SshHost, port: number): Promise<void> {
    try {
      const check = await this.gateway.checkDataRouter(host, port);
      if (!this.closed && check.clean) this.routers.set(dataRouterId, check.clean);
    } catch (error) {
      // A failed check leaves the clean state as it was; the periodic checks report the failure.
      if (!(error instanceof SshError)) throw error;
    }
  }
}
