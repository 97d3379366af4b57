// A simulated dataRouter on a simulated worker computer: a process in its process table (working
// directory = staging directory, listening on its port) that, while a run is on, writes `.graw`
// files named like GET's into its staging directory and logs what it does. Like a real one it
// goes on writing its buffers for a while after its board stopped (`drainMs`).
//
// Files are written through an open handle, as the real program does: organizing the staging
// directory while a file is being written moves the file, and the writes follow it.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ProcessTable, SimulatedProcess } from './process-table';
import type { Sandbox } from './sandbox';

export interface DataRouterSpec {
  /** Shown in its log lines, e.g. DataRouter0. */
  name: string;
  /** The port it listens on: how the application finds its process among others. */
  port: number;
  /** Its working directory on the simulated computer, where `.graw` files go. */
  stagingDirectory: string;
  /** Its log file on the simulated computer. */
  logPath: string;
  /** The start of every file name: `CoBo0_AsAd0` for a CoBo, `MuTanT` for the MuTAnT. */
  filePrefix: string;
  /** `ps` shows this (default `/opt/get/bin/dataRouter --port <port>`); only its program name matters to the application. */
  args?: string;
  /** How often a chunk is written during a run (default 1000 ms). */
  writeIntervalMs?: number;
  /** Bytes per write (default 1 KiB); unused with `bytesPerSecond`. */
  chunkBytes?: number;
  /**
   * A known rate instead of fixed chunks: each write brings the run's bytes to this rate times the
   * time since the run began, so the rate holds whatever the timer's delays (a late tick writes more).
   */
  bytesPerSecond?: number;
  /** Writes per file before the next file of the series (default 4). */
  writesPerFile?: number;
  /** How long it goes on writing (buffers) after stopRun(), at the same pace (default 0: it stops at once). */
  drainMs?: number;
}

/** `2025-06-01T12:00:00.000`: local time with milliseconds, as in GET's file names. */
export function grawTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`
  );
}

/** A log line as the simulated GET programs write them. */
export function logLine(program: string, message: string, date = new Date()): string {
  return `${grawTimestamp(date).replace('T', ' ')} [INFO] ${program}: ${message}\n`;
}

interface OpenFile {
  handle: FileHandle;
  name: string;
  writes: number;
}

interface Run {
  time: Date;
  /** When it began, for a rate in bytes per second (performance.now()). */
  began: number;
  /** The number of the next file of the series. */
  next: number;
  file: OpenFile | null;
  files: number;
  bytes: number;
}

export class SimulatedDataRouter {
  readonly name: string;
  readonly port: number;
  readonly stagingDirectory: string;
  readonly logPath: string;
  readonly #processes: ProcessTable;
  readonly #sandbox: Sandbox;
  readonly #spec: DataRouterSpec;
  readonly #onError: (error: unknown) => void;
  #process: SimulatedProcess | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** The write under way; the next tick waits for none, it is skipped. */
  #busy: Promise<void> | null = null;
  /** The run under way: its series of files (each run its own, so a quick restart never mixes two). */
  #run: Run | null = null;
  #lastSeriesTime = 0;
  /** While it drains after stopRun(): the end of the drain, and how to end it early. */
  #drain: { timer: NodeJS.Timeout; finish: () => void; done: Promise<void> } | null = null;
  #filesWritten = 0;
  #bytesWritten = 0;

  constructor(processes: ProcessTable, sandbox: Sandbox, spec: DataRouterSpec, onError: (error: unknown) => void) {
    this.#processes = processes;
    this.#sandbox = sandbox;
    this.#spec = spec;
    this.#onError = onError;
    if (spec.bytesPerSecond !== undefined && !(Number.isFinite(spec.bytesPerSecond) && spec.bytesPerSecond > 0)) {
      throw new Error(`bytesPerSecond of ${spec.name} must be a positive number of bytes per second, not ${spec.bytesPerSecond}`);
    }
    this.name = spec.name;
    this.port = spec.port;
    this.stagingDirectory = spec.stagingDirectory;
    this.logPath = spec.logPath;
  }

  /** The pid of its process, or null when it is not running. */
  get pid(): number | null {
    return this.#process?.pid ?? null;
  }
  get processRunning(): boolean {
    return this.#process !== null;
  }
  /** True while a run is on, while it drains after it, and until the last write has landed. */
  get writing(): boolean {
    return this.#timer !== null || this.#busy !== null;
  }
  get filesWritten(): number {
    return this.#filesWritten;
  }
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Starts the process (a new pid); its staging directory and log folder are made if missing. */
  async startProcess(): Promise<void> {
    if (this.#process) return;
    await mkdir(this.#sandbox.hostPath(this.stagingDirectory), { recursive: true });
    this.#process = this.#processes.start({
      args: this.#spec.args ?? `/opt/get/bin/dataRouter --port ${this.port}`,
      cwd: this.stagingDirectory,
      listenPorts: [this.port],
    });
    await this.#log(`started (pid ${this.#process.pid}), listening on port ${this.port}, writing to ${this.stagingDirectory}`);
  }

  /** Ends the process: it stops writing at once (nothing drains) and leaves the process list. */
  async stopProcess(): Promise<void> {
    if (!this.#process) return;
    const draining = this.#drain?.done;
    this.#drain?.finish();
    await (draining ?? this.#finishRun());
    this.#processes.stop(this.#process.pid);
    this.#process = null;
    await this.#log('stopped');
  }

  /** A run begins: a new series of files, written on a timer until stopRun(). Ignored when the process is not running. */
  startRun(): void {
    // A new run ends the drain of the last one: its file is closed, the new series begins.
    this.#drain?.finish();
    if (!this.#process || this.#timer) return;
    // Series times must differ, or two runs' files would share names.
    const time = Math.max(Date.now(), this.#lastSeriesTime + 1);
    this.#lastSeriesTime = time;
    this.#run = { time: new Date(time), began: performance.now(), next: 0, file: null, files: 0, bytes: 0 };
    this.#timer = setInterval(() => this.#tick(), this.#spec.writeIntervalMs ?? 1000);
    this.#tick();
  }

  /**
   * The board stopped: the router writes on for `drainMs` (new files included), then the file
   * being written is closed; resolves once nothing is being written.
   */
  stopRun(): Promise<void> {
    if (this.#drain) return this.#drain.done;
    const drainMs = this.#spec.drainMs ?? 0;
    if (!this.#run || drainMs <= 0) return this.#finishRun();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = () => {
        if (this.#drain?.done !== done) return;
        clearTimeout(this.#drain.timer);
        this.#drain = null;
        resolve(this.#finishRun());
      };
    });
    this.#drain = { timer: setTimeout(() => finish(), drainMs), finish, done };
    void this.#log(`board stopped: writing what is buffered for ${drainMs} ms`);
    return done;
  }

  async #finishRun(): Promise<void> {
    const run = this.#endRun();
    if (!run) return;
    await this.#busy;
    await this.#closeFile(run);
    await this.#log(`run ended: ${run.files} file(s), ${run.bytes} bytes`);
  }

  async close(): Promise<void> {
    const draining = this.#drain?.done;
    this.#drain?.finish();
    await draining;
    const run = this.#endRun();
    await this.#busy;
    if (run) await this.#closeFile(run);
    if (this.#process) this.#processes.stop(this.#process.pid);
    this.#process = null;
  }

  #endRun(): Run | null {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const run = this.#run;
    this.#run = null;
    return run;
  }

  #tick(): void {
    const run = this.#run;
    if (this.#busy || !run) return;
    this.#busy = this.#write(run)
      .catch((error: unknown) => this.#onError(error))
      .finally(() => {
        this.#busy = null;
      });
  }

  async #write(run: Run): Promise<void> {
    const rate = this.#spec.bytesPerSecond;
    const length = rate === undefined ? Math.max(1, this.#spec.chunkBytes ?? 1024) : Math.floor((rate * (performance.now() - run.began)) / 1000) - run.bytes;
    if (length <= 0) return;
    const file = run.file ?? (await this.#openNextFile(run));
    // At a set rate the bytes need not be random: a high rate would spend the machine on randomBytes.
    const chunk = rate === undefined ? randomBytes(length) : Buffer.alloc(length, 0x47);
    await file.handle.write(chunk);
    file.writes++;
    this.#bytesWritten += chunk.length;
    run.bytes += chunk.length;
    if (file.writes >= Math.max(1, this.#spec.writesPerFile ?? 4)) await this.#closeFile(run);
  }

  async #openNextFile(run: Run): Promise<OpenFile> {
    const folder = this.#sandbox.hostPath(this.stagingDirectory);
    await mkdir(folder, { recursive: true });
    let file: OpenFile | null = null;
    while (!file) {
      const name = `${this.#spec.filePrefix}_${grawTimestamp(run.time)}_${String(run.next++).padStart(4, '0')}.graw`;
      try {
        // Never onto an existing file: a name already taken is skipped.
        file = { handle: await open(join(folder, name), 'wx'), name, writes: 0 };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    run.file = file;
    run.files++;
    this.#filesWritten++;
    await this.#log(`writing ${file.name}`);
    return file;
  }

  async #closeFile(run: Run): Promise<void> {
    const file = run.file;
    run.file = null;
    if (file) await file.handle.close().catch((error: unknown) => this.#onError(error));
  }

  async #log(message: string): Promise<void> {
    try {
      const path = this.#sandbox.hostPath(this.logPath);
      await mkdir(dirname(path), { recursive: true });
      await appendFile(path, logLine(`dataRouter ${this.name}`, message));
    } catch (error) {
      this.#onError(error);
    }
  }
}
