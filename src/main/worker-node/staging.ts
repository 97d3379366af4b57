// The staging directory of a data router: the working directory of its `dataRouter` process,
// found with `lsof` on the worker computer.
//
// Several data routers may run on one computer, each on its own port, and `lsof` then prints one
// p/c/n group per process. The right one is identified by the port it LISTENS on (a second
// `lsof -iTCP:<port> -sTCP:LISTEN`), not by its arguments: how a data router is told its port
// differs between GET versions and start scripts, while the listening socket is a fact. The
// match is strict: a data router not listening on its port is not guessed at, since the
// directory found is where files get moved after Stop and the wrong one would mix two boards'
// runs. `lsof` exits 1 with no output when nothing matches: an answer (no data router
// running, nobody listening), not a failure.

/** Output of one command run on a worker computer. */
export interface CommandOutput {
  /** Exit status; null when the command was ended by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command given as argv on the worker computer (the connection layer's `exec`). */
export type RunCommand = (argv: string[]) => Promise<CommandOutput>;

export const DATA_ROUTER_PROGRAM = 'dataRouter';

/** Working directories of every process whose name starts with dataRouter (filtered exactly later). */
export const DATA_ROUTER_CWD_COMMAND: readonly string[] = ['lsof', '-a', '-d', 'cwd', '-c', DATA_ROUTER_PROGRAM, '-Fpcn'];

/** The pids listening on a TCP port. */
export function listeningPidsCommand(port: number): string[] {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`Port ${String(port)} is not between 1 and 65535`);
  return ['lsof', '-a', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fp'];
}

/** A failure of lsof itself (not installed, refused an option, killed). */
export class LsofError extends Error {
  override name = 'LsofError';
}

export interface LsofProcess {
  pid: number;
  /** The `c` field: the command name (Linux truncates it to 15 characters). */
  command: string;
  /** The `n` fields in order; for `-d cwd` the one working directory. */
  names: string[];
}

/**
 * Reads lsof field output (`-F…`): a `p` line opens a process group, `c` and `n` lines belong to
 * the group above; other fields (`f`, `t`, …) are ignored.
 */
export function parseLsofFields(output: string): LsofProcess[] {
  const processes: LsofProcess[] = [];
  let current: LsofProcess | undefined;
  for (const line of output.split('\n')) {
    if (line.length === 0) continue;
    const field = line[0];
    const value = line.slice(1);
    if (field === 'p') {
      const pid = Number(value);
      if (!Number.isSafeInteger(pid) || pid <= 0) throw new LsofError(`Unreadable lsof line: ${JSON.stringify(line)}`);
      current = { pid, command: '', names: [] };
      processes.push(current);
    } else if (field === 'c' && current) {
      current.command = value;
    } else if (field === 'n' && current) {
      current.names.push(value);
    }
  }
  return processes;
}

/**
 * The lsof output, or '' when lsof answered "nothing matches" (exit 1, no output, at most
 * warnings on stderr). Anything else that is not exit 0 is a failure of lsof.
 */
export function lsofAnswer(result: CommandOutput): string {
  if (result.code === 0) return result.stdout;
  const complaints = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^lsof: WARNING/i.test(l) && !/^Output information may be incomplete/i.test(l));
  if (result.code === 1 && result.stdout.trim() === '' && complaints.length === 0) return '';
  const reason = complaints.join('; ') || result.stdout.trim() || 'no message';
  throw new LsofError(`lsof failed (${result.code === null ? 'ended by a signal' : `exit ${result.code}`}): ${reason}`);
}

export interface DataRouterProcess {
  pid: number;
  cwd: string;
}

/** The data routers in `lsof -a -d cwd -c dataRouter -Fpcn` output, exact name only. */
export function parseDataRouterCwds(output: string): DataRouterProcess[] {
  return parseLsofFields(output)
    .filter((p) => p.command === DATA_ROUTER_PROGRAM && p.names.length > 0)
    .map((p) => ({ pid: p.pid, cwd: p.names[0] ?? '' }));
}

export type StagingAnswer =
  /** The data router listening on the port, and its working directory. */
  | { kind: 'found'; pid: number; directory: string }
  /** No data router runs on this computer. */
  | { kind: 'no-data-router' }
  /** Data routers run, but none listens on this port (the router is down, or the port is wrong). */
  | { kind: 'not-listening'; port: number; others: DataRouterProcess[] };

/** Picks the data router listening on `port` among those running. */
export function pickStagingDirectory(routers: readonly DataRouterProcess[], listeningPids: readonly number[], port: number): StagingAnswer {
  if (routers.length === 0) return { kind: 'no-data-router' };
  const match = routers.find((r) => listeningPids.includes(r.pid));
  if (!match) return { kind: 'not-listening', port, others: [...routers] };
  return { kind: 'found', pid: match.pid, directory: match.cwd };
}

/** A human sentence for an answer that is not `found` (for the error log and the interface). */
export function describeStagingAnswer(answer: StagingAnswer): string {
  switch (answer.kind) {
    case 'found':
      return `data router pid ${answer.pid} writes to ${answer.directory}`;
    case 'no-data-router':
      return 'No dataRouter process is running on this computer';
    case 'not-listening':
      return `No dataRouter process listens on port ${answer.port} (running: ${answer.others.map((o) => `pid ${o.pid} in ${o.cwd}`).join(', ')})`;
  }
}

/** Finds the staging directory of the data router on `port` with two lsof calls. */
export async function findStagingDirectory(run: RunCommand, port: number): Promise<StagingAnswer> {
  const routers = parseDataRouterCwds(lsofAnswer(await run([...DATA_ROUTER_CWD_COMMAND])));
  if (routers.length === 0) return { kind: 'no-data-router' };
  const listening = parseLsofFields(lsofAnswer(await run(listeningPidsCommand(port)))).map((p) => p.pid);
  return pickStagingDirectory(routers, listening, port);
}
