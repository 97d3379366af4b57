// The file systems of a simulated worker computer, as `df -Pk <directory>` reports them: by
// default the one the sandbox folder really lives on (its real statfs), so the numbers are this
// computer's; a test or the demo can mount a simulated file system of a chosen size at a folder
// (a nearly full staging disk), which every directory below it then reports.
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync, statfsSync } from 'node:fs';
import type { CommandAnswer } from './process-table';
import { Sandbox, SandboxEscapeError } from './sandbox';

/** A simulated file system's size in KiB. */
export interface SimulatedFileSystem {
  totalKb: number;
  availableKb: number;
}

const HEADER = 'Filesystem     1024-blocks      Used Available Capacity Mounted on\n';

export class SimulatedDisks {
  readonly #mounted = new Map<string, SimulatedFileSystem>();

  constructor(private readonly sandbox: Sandbox) {}

  /** Mounts (or with null, unmounts) a simulated file system at a folder of the simulated computer. */
  mount(mountPoint: string, size: SimulatedFileSystem | null): void {
    const path = Sandbox.normalize(mountPoint);
    if (size === null) {
      this.#mounted.delete(path);
      return;
    }
    for (const value of [size.totalKb, size.availableKb]) {
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`A file system size must be a whole number of KiB ≥ 0, not ${String(value)}`);
    }
    if (size.availableKb > size.totalKb) throw new RangeError(`Available (${size.availableKb} KiB) exceeds the size (${size.totalKb} KiB)`);
    this.#mounted.set(path, { ...size });
  }

  /** `df -Pk <path>` as GNU coreutils prints it (POSIX format, KiB). */
  df(path: string): CommandAnswer {
    const missing = { code: 1, stdout: '', stderr: `df: ${path}: No such file or directory\n` };
    let virtual: string;
    try {
      virtual = this.sandbox.toVirtual(realpathSync(this.sandbox.hostPath(path)));
    } catch (error) {
      if (error instanceof SandboxEscapeError || (error as NodeJS.ErrnoException).code === 'ENOENT') return missing;
      throw error;
    }
    const mount = this.#mountOf(virtual);
    let device: string;
    let totalKb: number;
    let usedKb: number;
    let availableKb: number;
    if (mount) {
      const size = this.#mounted.get(mount) as SimulatedFileSystem;
      device = `simfs${mount.replaceAll('/', '-')}`;
      totalKb = size.totalKb;
      availableKb = size.availableKb;
      usedKb = size.totalKb - size.availableKb;
    } else {
      // The sandbox's real file system: df's own arithmetic (used = blocks - free; available to
      // unprivileged users = bavail; the reserved blocks are in neither).
      const fs = statfsSync(this.sandbox.root);
      const kb = (blocks: number) => Math.floor((blocks * fs.bsize) / 1024);
      device = 'worker-sim';
      totalKb = kb(fs.blocks);
      usedKb = kb(fs.blocks - fs.bfree);
      availableKb = kb(fs.bavail);
    }
    const capacity = usedKb + availableKb === 0 ? '-' : `${Math.ceil((100 * usedKb) / (usedKb + availableKb))}%`;
    const row = `${device.padEnd(14)} ${String(totalKb).padStart(11)} ${String(usedKb).padStart(9)} ${String(availableKb).padStart(9)} ${capacity.padStart(8)} ${mount ?? '/'}\n`;
    return { code: 0, stdout: HEADER + row, stderr: '' };
  }

  /**
   * `sha256sum -- <path> …` as GNU coreutils answers: `<hex>  <path>` per file, a message on
   * stderr and exit 1 for one it cannot read (the others still answered). The files are the
   * sandbox's own, read whole: the demo's are small.
   */
  sha256sum(paths: readonly string[]): CommandAnswer {
    let stdout = '';
    let stderr = '';
    for (const path of paths) {
      try {
        const host = realpathSync(this.sandbox.hostPath(Sandbox.normalize(path)));
        if (!this.sandbox.contains(host)) throw new SandboxEscapeError(`${path} leads outside the sandbox`);
        if (statSync(host).isDirectory()) {
          stderr += `sha256sum: ${path}: Is a directory\n`;
          continue;
        }
        stdout += `${createHash('sha256').update(readFileSync(host)).digest('hex')}  ${path}\n`;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        stderr += `sha256sum: ${path}: ${code === 'ENOENT' ? 'No such file or directory' : 'Permission denied'}\n`;
      }
    }
    return { code: stderr === '' ? 0 : 1, stdout, stderr };
  }

  /** The deepest simulated mount point at or above a path. */
  #mountOf(path: string): string | undefined {
    let best: string | undefined;
    for (const mount of this.#mounted.keys()) {
      const inside = mount === '/' || path === mount || path.startsWith(`${mount}/`);
      if (inside && (best === undefined || mount.length > best.length)) best = mount;
    }
    return best;
  }
}
