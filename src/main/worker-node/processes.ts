// The process check on a worker computer: which program listens on a component's port, and is it
// `getEccSoapServer` / `dataRouter`? Builds the `ps` command and reads its output, on Linux and
// on macOS; the pids come from lsof (staging.ts `listeningPidsCommand`).
//
// Why `args` and not `comm`: Linux keeps only 15 characters of a process name (`ps -e` shows
// `getEccSoapServe`), while the argument list carries the program as it was started, full
// path included, on both systems. The program name is the base name of argv[0], compared
// exactly: `dataRouterOld` is not `dataRouter`, `tail -f /x/dataRouter.log` is `tail`.
// Zombies (state `Z…`) linger after a process died: they do not count.
import type { ProcessOnPort } from '../../shared/api/contract';

/** The command to run on the worker computer (argv form, for `exec(argv)`). */
export const PROCESS_LIST_COMMAND: readonly string[] = ['ps', '-e', '-o', 'pid=,stat=,args='];

export interface ProcessEntry {
  pid: number;
  /** `ps` state letters, e.g. `Sl`, `Ss+`, `Z`. */
  stat: string;
  /** The full argument list as `ps` prints it (space-joined). */
  args: string;
  /** Base name of argv[0], e.g. `getEccSoapServer` for `/opt/get/bin/getEccSoapServer -p 8083`. */
  program: string;
  zombie: boolean;
}

/** Base name of the first word of an argument list; `` for an empty list. */
export function programName(args: string): string {
  const first = args.trimStart().split(/\s/, 1)[0] ?? '';
  // A login shell is shown as `-bash`; the leading dash is not part of the name.
  const base = first.slice(first.lastIndexOf('/') + 1);
  return base.startsWith('-') && first === base ? base.slice(1) : base;
}

const LINE = /^\s*(\d+)\s+(\S+)(?:\s(.*))?$/;

/**
 * Reads `ps -e -o pid=,stat=,args=` output (Linux procps or macOS/BSD). Lines that do not look
 * like `pid stat args` (a header, a blank line) are skipped.
 */
export function parseProcessList(output: string): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = LINE.exec(line);
    if (!match) continue;
    const stat = match[2] ?? '';
    const args = (match[3] ?? '').trim();
    entries.push({ pid: Number(match[1]), stat, args, program: programName(args), zombie: stat.startsWith('Z') });
  }
  return entries;
}

/** The live (non-zombie) processes whose program name is exactly `program`. */
export function findProcesses(entries: readonly ProcessEntry[], program: string): ProcessEntry[] {
  return entries.filter((e) => !e.zombie && e.program === program);
}

export interface ProcessCheck {
  program: string;
  running: boolean;
  pids: number[];
}

/** The answer of one process check, from the raw `ps` output. */
export function checkProcess(psOutput: string, program: string): ProcessCheck {
  const pids = findProcesses(parseProcessList(psOutput), program).map((e) => e.pid);
  return { program, running: pids.length > 0, pids };
}

/**
 * Which program listens on a component's port, from the pids `lsof -a -iTCP:<port> -sTCP:LISTEN
 * -Fp` found and the `ps` output read after it. The port identifies the instance: several data
 * routers (or ECC servers) on one computer each have their own. A pid lsof found that `ps` no
 * longer shows, or shows as a zombie, died in between: nobody listens. When several pids listen
 * (a forked child shares the socket), the right program among them is enough.
 */
export function processOnPort(psOutput: string, listeningPids: readonly number[], program: string, port: number): ProcessOnPort {
  if (listeningPids.length === 0) return { kind: 'not-running', port };
  const live = new Map(
    parseProcessList(psOutput)
      .filter((e) => !e.zombie)
      .map((e) => [e.pid, e]),
  );
  const listeners = listeningPids.flatMap((pid) => live.get(pid) ?? []);
  const right = listeners.find((e) => e.program === program);
  if (right) return { kind: 'running', port, pid: right.pid };
  const other = listeners[0];
  if (!other) return { kind: 'not-running', port };
  return { kind: 'other-program', port, pid: other.pid, program: other.program || other.args };
}

/** A sentence for the operator about what listens on the port. */
export function describeProcessOnPort(answer: ProcessOnPort, program: string): string {
  switch (answer.kind) {
    case 'running':
      return `${program} (pid ${answer.pid}) listens on port ${answer.port}`;
    case 'not-running':
      return `No program listens on port ${answer.port}`;
    case 'other-program':
      return `Port ${answer.port}: ${answer.program} listens (pid ${answer.pid}), not ${program}`;
  }
}
