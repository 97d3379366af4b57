// The remote log view: the end of an ECC server's or data router's log file on its worker
// computer, read over SFTP in the SSH pool. A one-off read reads the file; a subscription
// follows it: while anyone watches, the file is read again every few seconds and watchers are
// told only when something changed. Nobody watching, nothing is read.
import type { RemoteLogComponent, RemoteLogTail } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { Store } from '../db/store';
import { findDataRouter, findEccServer } from '../setup/queries';
import { SshError } from './connection';
import type { SshGateway } from './ssh-pool';
import type { SshHost } from './ssh-worker';

export interface RemoteLogOptions {
  /** How often a followed log is read again (default 2 s). */
  followIntervalMs?: number;
}

interface LogTarget {
  name: string;
  host: string;
  path: string;
}

interface Followed {
  watchers: number;
  latest: RemoteLogTail | undefined;
  timer: NodeJS.Timeout | undefined;
  reading: Promise<RemoteLogTail> | undefined;
}

export class RemoteLogs {
  private readonly followed = new Map<string, Followed>();
  private readonly interval: number;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly gateway: SshGateway,
    private readonly host: (address: string) => SshHost,
    private readonly announce: () => void,
    options: RemoteLogOptions = {},
  ) {
    this.interval = options.followIntervalMs ?? 2_000;
  }

  private target(component: RemoteLogComponent, id: number): LogTarget {
    const found = component === 'eccServer' ? findEccServer(this.store, id) : findDataRouter(this.store, id);
    if (!found) throw new ApiError('NOT_FOUND', `There is no ${component === 'eccServer' ? 'ECC server' : 'data router'} with id ${id}`, 'id');
    return { name: found.name, host: found.address, path: found.logPath };
  }

  /** Reads the file now. Failures to reach or read it are part of the answer, not thrown. */
  private async read(component: RemoteLogComponent, id: number, lines: number): Promise<RemoteLogTail> {
    const target = this.target(component, id);
    const base = { component, id, name: target.name, host: target.host, path: target.path };
    try {
      const tail = await this.gateway.tailLog(this.host(target.host), target.path, lines);
      return {
        ...base,
        lines: tail.lines,
        truncated: !tail.whole,
        fileSize: tail.fileBytes,
        readAt: new Date().toISOString(),
        error: null,
      };
    } catch (error) {
      const e = error instanceof SshError ? error : new SshError('other', error instanceof Error ? error.message : String(error));
      return { ...base, lines: [], truncated: false, fileSize: null, readAt: new Date().toISOString(), error: { kind: e.kind, message: e.message } };
    }
  }

  /**
   * The end of the log: what the follower read last when the log is being followed (it is kept
   * fresh), else a new read.
   */
  async tail(component: RemoteLogComponent, id: number, lines: number): Promise<RemoteLogTail> {
    const entry = this.followed.get(key(component, id, lines));
    if (entry?.latest) return entry.latest;
    if (entry) return this.readInto(entry, component, id, lines);
    return this.read(component, id, lines);
  }

  /** Follows the log until the returned function is called (as many times as `follow` was). */
  follow(component: RemoteLogComponent, id: number, lines: number): () => void {
    const name = key(component, id, lines);
    let entry = this.followed.get(name);
    if (!entry) {
      entry = { watchers: 0, latest: undefined, timer: undefined, reading: undefined };
      this.followed.set(name, entry);
      this.schedule(entry, component, id, lines);
    }
    entry.watchers++;
    const followed = entry;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      followed.watchers--;
      if (followed.watchers > 0) return;
      clearTimeout(followed.timer);
      this.followed.delete(name);
    };
  }

  private readInto(entry: Followed, component: RemoteLogComponent, id: number, lines: number): Promise<RemoteLogTail> {
    entry.reading ??= this.read(component, id, lines).finally(() => (entry.reading = undefined));
    return entry.reading;
  }

  /** The next read after the interval; reads never overlap, so a slow computer is not piled on. */
  private schedule(entry: Followed, component: RemoteLogComponent, id: number, lines: number): void {
    entry.timer = setTimeout(() => {
      void this.readInto(entry, component, id, lines)
        .then((tail) => {
          if (this.closed || entry.watchers === 0) return;
          if (!sameContent(entry.latest, tail)) {
            entry.latest = tail;
            this.announce();
          } else {
            entry.latest = tail;
          }
          this.schedule(entry, component, id, lines);
        })
        .catch(() => {
          // The component was removed (NOT_FOUND): its watchers get the error from the query.
          if (this.closed || entry.watchers === 0) return;
          entry.latest = undefined;
          this.announce();
          this.schedule(entry, component, id, lines);
        });
    }, entry.latest ? this.interval : 0);
    entry.timer.unref?.();
  }

  /** How many logs are being followed (tests, diagnostics). */
  get followedCount(): number {
    return this.followed.size;
  }

  /** Resolves when the reads under way have ended (they write nothing: their answers are only shown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.followed.values()].flatMap((entry) => (entry.reading ? [entry.reading] : [])));
  }

  close(): void {
    this.closed = true;
    for (const entry of this.followed.values()) clearTimeout(entry.timer);
    this.followed.clear();
  }
}

function key(component: RemoteLogComponent, id: number, lines: number): string {
  return `${component}:${id}:${lines}`;
}

/** Whether a new read shows the operator anything new (the read time alone is not news). */
function sameContent(a: RemoteLogTail | undefined, b: RemoteLogTail): boolean {
  if (!a) return false;
  return (
    a.fileSize === b.fileSize &&
    a.path === b.path &&
    a.host === b.host &&
    a.error?.message === b.error?.message &&
    a.lines.length === b.lines.length &&
    a.lines.every((line, i) => line === b.lines[i])
  );
}
