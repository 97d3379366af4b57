// The SFTP side of a simulated worker computer: OpenSSH's sftp-server semantics over a sandbox
// folder. What the application relies on is kept exactly: rename never replaces an existing
// file (OpenSSH links, then unlinks), mkdir makes one level and fails on an existing one, an
// exclusive open fails on an existing file, and errors come back with OpenSSH's status codes
// and messages, so the client's errors read as they would against a real worker.
import type { Stats } from 'node:fs';
import { link, lstat, mkdir, open, readdir, readlink, rename, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import ssh2, { type Attributes, type FileEntry, type SFTPWrapper } from 'ssh2';
import { SandboxEscapeError, type Sandbox } from './sandbox';

const { STATUS_CODE, flagsToString } = ssh2.utils.sftp;

/** OpenSSH's status messages (sftp-server.c, status_to_message). */
const MESSAGES: Record<number, string> = {
  [STATUS_CODE.OK]: 'Success',
  [STATUS_CODE.EOF]: 'End of file',
  [STATUS_CODE.NO_SUCH_FILE]: 'No such file',
  [STATUS_CODE.PERMISSION_DENIED]: 'Permission denied',
  [STATUS_CODE.FAILURE]: 'Failure',
  [STATUS_CODE.BAD_MESSAGE]: 'Bad message',
  [STATUS_CODE.OP_UNSUPPORTED]: 'Operation unsupported',
};

/** Names per READDIR answer, like OpenSSH's (which sends up to 100). */
const NAMES_PER_ANSWER = 100;
/** The most data one READ answers (OpenSSH's limit is 256 KiB a packet). */
const MAX_READ = 255 * 1024;

/** A failure that is an SFTP status as such. */
class StatusError extends Error {
  constructor(readonly status: number) {
    super(MESSAGES[status] ?? 'Failure');
  }
}

/** errno → SFTP status, as OpenSSH's errno_to_portable does. */
function statusOf(error: unknown): number {
  if (error instanceof StatusError) return error.status;
  if (error instanceof SandboxEscapeError) return STATUS_CODE.PERMISSION_DENIED;
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'ENOENT':
    case 'ENOTDIR':
    case 'EBADF':
    case 'ELOOP':
      return STATUS_CODE.NO_SUCH_FILE;
    case 'EPERM':
    case 'EACCES':
    case 'EFAULT':
      return STATUS_CODE.PERMISSION_DENIED;
    case 'ENAMETOOLONG':
    case 'EINVAL':
      return STATUS_CODE.BAD_MESSAGE;
    case 'ENOSYS':
      return STATUS_CODE.OP_UNSUPPORTED;
    default:
      return STATUS_CODE.FAILURE;
  }
}

function attributesOf(info: Stats): Attributes {
  return {
    mode: info.mode,
    uid: info.uid,
    gid: info.gid,
    size: info.size,
    atime: Math.floor(info.atimeMs / 1000),
    mtime: Math.floor(info.mtimeMs / 1000),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The `ls -l` line OpenSSH sends with each name. */
function longName(name: string, info: Stats): string {
  const type = info.isDirectory() ? 'd' : info.isSymbolicLink() ? 'l' : info.isFile() ? '-' : '?';
  const bits = 'rwxrwxrwx'
    .split('')
    .map((letter, i) => (info.mode & (0o400 >> i) ? letter : '-'))
    .join('');
  const time = info.mtime;
  const date = `${MONTHS[time.getMonth()]} ${String(time.getDate()).padStart(2)} ${String(time.getHours()).padStart(2, '0')}:${String(time.getMinutes()).padStart(2, '0')}`;
  return `${type}${bits} ${String(info.nlink).padStart(3)} ${String(info.uid).padEnd(8)} ${String(info.gid).padEnd(8)} ${String(info.size).padStart(8)} ${date} ${name}`;
}

type OpenHandle =
  | { kind: 'file'; file: FileHandle }
  | { kind: 'dir'; hostPath: string; names: FileEntry[] | null };

export interface SftpSessionOptions {
  sandbox: Sandbox;
  /** Where relative paths start (OpenSSH: the user's home). */
  home: string;
  /** Unexpected internal errors (a bug here, not a client's mistake). */
  log?: (line: string) => void;
}

/** Serves one accepted SFTP session until it ends; open files are closed then. */
export function serveSftp(sftp: SFTPWrapper, options: SftpSessionOptions): void {
  const { sandbox, home } = options;
  const handles = new Map<number, OpenHandle>();
  let nextHandle = 0;
  let ended = false;

  const where = (path: string, followLast: boolean) => sandbox.resolve(path, { home, followLast });

  const newHandle = (entry: OpenHandle): Buffer => {
    const id = nextHandle++;
    handles.set(id, entry);
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(id, 0);
    return buffer;
  };
  const handleOf = (buffer: Buffer): OpenHandle => {
    const entry = buffer.length === 4 ? handles.get(buffer.readUInt32BE(0)) : undefined;
    if (!entry) throw new StatusError(STATUS_CODE.FAILURE);
    return entry;
  };
  const fileOf = (buffer: Buffer): FileHandle => {
    const entry = handleOf(buffer);
    if (entry.kind !== 'file') throw new StatusError(STATUS_CODE.FAILURE);
    return entry.file;
  };

  /** Runs one request; any failure becomes the status OpenSSH would send. */
  const answer = (reqId: number, work: () => Promise<void>): void => {
    work().catch((error: unknown) => {
      if (ended) return;
      const status = statusOf(error);
      if (status === STATUS_CODE.FAILURE && !(error instanceof StatusError) && !(error as NodeJS.ErrnoException).code) {
        options.log?.(`[worker-sim sftp] internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
      sftp.status(reqId, status, MESSAGES[status]);
    });
  };
  const ok = (reqId: number): void => sftp.status(reqId, STATUS_CODE.OK, MESSAGES[STATUS_CODE.OK]);

  sftp.on('OPEN', (reqId, filename, flags, attrs) =>
    answer(reqId, async () => {
      const mode = flagsToString(flags);
      if (mode === null) throw new StatusError(STATUS_CODE.BAD_MESSAGE);
      const hostPath = await where(filename, true);
      const file = await open(hostPath, mode, typeof attrs?.mode === 'number' ? attrs.mode & 0o7777 : 0o644);
      if (ended) {
        await file.close();
        return;
      }
      sftp.handle(reqId, newHandle({ kind: 'file', file }));
    }),
  );

  sftp.on('READ', (reqId, handle, offset, length) =>
    answer(reqId, async () => {
      const file = fileOf(handle);
      const buffer = Buffer.alloc(Math.min(length, MAX_READ));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) sftp.status(reqId, STATUS_CODE.EOF, MESSAGES[STATUS_CODE.EOF]);
      else sftp.data(reqId, buffer.subarray(0, bytesRead));
    }),
  );

  sftp.on('WRITE', (reqId, handle, offset, data) =>
    answer(reqId, async () => {
      await fileOf(handle).write(data, 0, data.length, offset);
      ok(reqId);
    }),
  );

  sftp.on('FSTAT', (reqId, handle) =>
    answer(reqId, async () => {
      const entry = handleOf(handle);
      sftp.attrs(reqId, attributesOf(entry.kind === 'file' ? await entry.file.stat() : await stat(entry.hostPath)));
    }),
  );

  // Owners, modes and times are left as they are: nothing the application does depends on them.
  sftp.on('FSETSTAT', (reqId, handle) =>
    answer(reqId, async () => {
      handleOf(handle);
      ok(reqId);
    }),
  );
  sftp.on('SETSTAT', (reqId, path) =>
    answer(reqId, async () => {
      await stat(await where(path, true));
      ok(reqId);
    }),
  );

  sftp.on('CLOSE', (reqId, handle) =>
    answer(reqId, async () => {
      const entry = handleOf(handle);
      handles.delete(handle.readUInt32BE(0));
      if (entry.kind === 'file') await entry.file.close();
      ok(reqId);
    }),
  );

  sftp.on('OPENDIR', (reqId, path) =>
    answer(reqId, async () => {
      const hostPath = await where(path, true);
      if (!(await stat(hostPath)).isDirectory()) throw Object.assign(new Error('Not a directory'), { code: 'ENOTDIR' });
      sftp.handle(reqId, newHandle({ kind: 'dir', hostPath, names: null }));
    }),
  );

  sftp.on('READDIR', (reqId, handle) =>
    answer(reqId, async () => {
      const entry = handleOf(handle);
      if (entry.kind !== 'dir') throw new StatusError(STATUS_CODE.FAILURE);
      if (entry.names === null) {
        const names: FileEntry[] = [];
        const parent = entry.hostPath === sandbox.root ? entry.hostPath : dirname(entry.hostPath);
        for (const [name, hostPath] of [
          ['.', entry.hostPath],
          ['..', parent],
          ...(await readdir(entry.hostPath)).map((n) => [n, join(entry.hostPath, n)]),
        ] as [string, string][]) {
          // Like OpenSSH: lstat, so a link is shown as a link (and never followed out).
          const info = await lstat(hostPath).catch(() => null);
          if (info) names.push({ filename: name, longname: longName(name, info), attrs: attributesOf(info) as FileEntry['attrs'] });
        }
        entry.names = names;
      }
      const batch = entry.names.splice(0, NAMES_PER_ANSWER);
      if (batch.length === 0) sftp.status(reqId, STATUS_CODE.EOF, MESSAGES[STATUS_CODE.EOF]);
      else sftp.name(reqId, batch);
    }),
  );

  sftp.on('LSTAT', (reqId, path) =>
    answer(reqId, async () => {
      sftp.attrs(reqId, attributesOf(await lstat(await where(path, false))));
    }),
  );

  sftp.on('STAT', (reqId, path) =>
    answer(reqId, async () => {
      sftp.attrs(reqId, attributesOf(await stat(await where(path, true))));
    }),
  );

  sftp.on('REMOVE', (reqId, path) =>
    answer(reqId, async () => {
      await unlink(await where(path, false));
      ok(reqId);
    }),
  );

  sftp.on('RMDIR', (reqId, path) =>
    answer(reqId, async () => {
      const hostPath = await where(path, false);
      if (hostPath === sandbox.root) throw new StatusError(STATUS_CODE.FAILURE);
      await rmdir(hostPath);
      ok(reqId);
    }),
  );

  sftp.on('MKDIR', (reqId, path, attrs) =>
    answer(reqId, async () => {
      const hostPath = await where(path, false);
      if (hostPath === sandbox.root) throw new StatusError(STATUS_CODE.FAILURE);
      await mkdir(hostPath, { mode: typeof attrs?.mode === 'number' ? attrs.mode & 0o7777 : 0o777 });
      ok(reqId);
    }),
  );

  sftp.on('RENAME', (reqId, oldPath, newPath) =>
    answer(reqId, async () => {
      const from = await where(oldPath, false);
      const to = await where(newPath, false);
      await renameWithoutReplacing(from, to);
      ok(reqId);
    }),
  );

  sftp.on('REALPATH', (reqId, path) =>
    answer(reqId, async () => {
      const virtual = sandbox.toVirtual(await where(path === '' ? '.' : path, true));
      sftp.name(reqId, [{ filename: virtual, longname: virtual, attrs: {} as FileEntry['attrs'] }]);
    }),
  );

  sftp.on('READLINK', (reqId, path) =>
    answer(reqId, async () => {
      const hostPath = await where(path, false);
      const target = await readlink(hostPath);
      // A link's text is shown only when it points inside: a host path is none of the client's business.
      const absolute = resolve(dirname(hostPath), target);
      if (!sandbox.contains(absolute)) throw new SandboxEscapeError('The link points outside the sandbox');
      const shown = isAbsolute(target) ? sandbox.toVirtual(absolute) : target;
      sftp.name(reqId, [{ filename: shown, longname: shown, attrs: {} as FileEntry['attrs'] }]);
    }),
  );

  // The application never makes links; refusing them keeps the sandbox simple to reason about.
  sftp.on('SYMLINK', (reqId) => sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED, MESSAGES[STATUS_CODE.OP_UNSUPPORTED]));

  const end = (): void => {
    if (ended) return;
    ended = true;
    for (const entry of handles.values()) if (entry.kind === 'file') void entry.file.close().catch(() => undefined);
    handles.clear();
  };
  sftp.once('end', end);
  sftp.once('close', end);
}

/**
 * OpenSSH's rename: a regular file is linked to the new name, then unlinked from the old one,
 * so an existing name is never replaced; anything else is renamed only when the new name is free.
 */
async function renameWithoutReplacing(from: string, to: string): Promise<void> {
  const source = await lstat(from);
  const free = async (): Promise<boolean> => (await stat(to).catch(() => null)) === null;
  if (source.isFile()) {
    try {
      await link(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error;
      // A file system without hard links: the racy way, as OpenSSH does.
      if (!(await free())) throw new StatusError(STATUS_CODE.FAILURE);
      await rename(from, to);
      return;
    }
    try {
      await unlink(from);
    } catch (error) {
      await unlink(to).catch(() => undefined);
      throw error;
    }
    return;
  }
  if (!(await free())) throw new StatusError(STATUS_CODE.FAILURE);
  await rename(from, to);
}
