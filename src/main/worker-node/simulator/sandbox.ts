// The file system of a simulated worker computer: a host folder is its `/`. Every path a client
// sends is mapped into that folder, and anything that would lead out of it is refused: a `..`
// above `/`, or a symlink (anywhere along the path) whose real target lies outside.
import { lstat, readlink, realpath } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

/** A path that would leave the sandbox (answered as "Permission denied"). */
export class SandboxEscapeError extends Error {
  override name = 'SandboxEscapeError';
}

/** Symlinks followed before giving up, like the kernel's ELOOP limit. */
const MAX_LINKS = 40;

export interface ResolveOptions {
  /** Where a relative path starts (the session's home); default `/`. */
  home?: string;
  /** Follow a symlink in the last component (stat, open), or act on the link itself (lstat, remove, rename). */
  followLast: boolean;
}

export class Sandbox {
  /** The host folder that is `/`, symlinks resolved. */
  readonly root: string;

  constructor(root: string) {
    this.root = realpathSync(root);
  }

  /**
   * The absolute, normalized path on the simulated computer; a relative one starts at `home`.
   * Refuses a `..` that climbs above `/` (a real server would stay at `/`: here it is a sign of
   * an escape attempt, worth an error) and NUL characters.
   */
  static normalize(path: string, home = '/'): string {
    if (path.includes('\0')) throw new SandboxEscapeError(`A path cannot contain a NUL character: ${JSON.stringify(path)}`);
    const full = path.startsWith('/') ? path : `${home}/${path}`;
    const parts: string[] = [];
    for (const segment of full.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') {
        if (parts.length === 0) throw new SandboxEscapeError(`${JSON.stringify(path)} leads above /`);
        parts.pop();
      } else {
        parts.push(segment);
      }
    }
    return `/${parts.join('/')}`;
  }

  /**
   * The host path of a simulated path by its text alone (no symlink is looked at): for the
   * simulator's own files (the demo's config files, a data router's output), never for a client's.
   */
  hostPath(path: string): string {
    const normalized = Sandbox.normalize(path);
    return normalized === '/' ? this.root : join(this.root, ...normalized.slice(1).split('/'));
  }

  /** The simulated path of a host path inside the sandbox. */
  toVirtual(hostPath: string): string {
    if (!this.contains(hostPath)) throw new SandboxEscapeError(`${hostPath} is outside the sandbox`);
    const rel = relative(this.root, hostPath);
    return rel === '' ? '/' : `/${rel.split(sep).join('/')}`;
  }

  contains(hostPath: string): boolean {
    return hostPath === this.root || hostPath.startsWith(this.root + sep);
  }

  /**
   * The host path to act on for a client's path, every symlink on the way resolved and checked.
   * A path that does not exist (yet) resolves through its nearest existing ancestor.
   */
  async resolve(path: string, options: ResolveOptions): Promise<string> {
    const lexical = this.hostPath(Sandbox.normalize(path, options.home ?? '/'));
    if (lexical === this.root) return this.root;
    if (options.followLast) return this.#real(lexical, 0);
    return join(await this.#real(dirname(lexical), 0), basename(lexical));
  }

  async #real(hostPath: string, links: number): Promise<string> {
    if (links > MAX_LINKS) throw Object.assign(new Error(`Too many levels of symbolic links: ${hostPath}`), { code: 'ELOOP' });
    let real: string;
    try {
      real = await realpath(hostPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // Not there (yet), or a link to nowhere: where would it be?
      const found = await lstat(hostPath).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return null;
        throw e;
      });
      if (found?.isSymbolicLink()) return this.#real(resolve(dirname(hostPath), await readlink(hostPath)), links + 1);
      if (hostPath === dirname(hostPath)) throw new SandboxEscapeError(`${hostPath} is outside the sandbox`);
      return join(await this.#real(dirname(hostPath), links), basename(hostPath));
    }
    if (!this.contains(real)) throw new SandboxEscapeError(`A symbolic link leads outside the sandbox (to ${real})`);
    return real;
  }
}
