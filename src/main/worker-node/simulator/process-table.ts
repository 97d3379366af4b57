// The processes of a simulated worker computer, and the answers of `ps` and `lsof` about them,
// printed the way Linux procps and lsof print them (the application's parsers read those).

/** What a simulated program is: how it was started, where, and what it listens on. */
export interface SimulatedProcessSpec {
  /** The argument list as `ps` prints it, program first, e.g. `/opt/get/bin/getEccSoapServer --port 8083`. */
  args: string;
  /** The working directory (a path on the simulated computer); default `/`. */
  cwd?: string;
  /** TCP ports it listens on (what `lsof -iTCP:<port> -sTCP:LISTEN` finds). */
  listenPorts?: number[];
  /** `ps` state letters; default `Sl`. A `Z…` state is a zombie: no working directory, no sockets. */
  stat?: string;
}

export interface SimulatedProcess {
  readonly pid: number;
  readonly args: string;
  readonly cwd: string;
  readonly listenPorts: readonly number[];
  readonly stat: string;
}

/** Base name of argv[0], as the kernel names the process. */
function programOf(args: string): string {
  const first = args.trimStart().split(/\s/, 1)[0] ?? '';
  return first.slice(first.lastIndexOf('/') + 1);
}

/** Linux keeps 15 characters of a process name (`comm`): lsof's `c` field shows that. */
export function commandName(args: string): string {
  return programOf(args).slice(0, 15);
}

export interface CommandAnswer {
  code: number;
  stdout: string;
  stderr: string;
}

export class ProcessTable {
  readonly #processes = new Map<number, SimulatedProcess>();
  // Pids grow like a real kernel's, so a restarted program gets a new one.
  #nextPid: number;

  constructor(firstPid = 2000) {
    this.#nextPid = firstPid;
  }

  get processes(): SimulatedProcess[] {
    return [...this.#processes.values()];
  }

  start(spec: SimulatedProcessSpec): SimulatedProcess {
    if (spec.args.trim() === '') throw new Error('A simulated process needs an argument list');
    const entry: SimulatedProcess = {
      pid: this.#nextPid++,
      args: spec.args,
      cwd: spec.cwd ?? '/',
      listenPorts: [...(spec.listenPorts ?? [])],
      stat: spec.stat ?? 'Sl',
    };
    this.#processes.set(entry.pid, entry);
    return entry;
  }

  /** Whether the process was there (and is gone now). */
  stop(pid: number): boolean {
    return this.#processes.delete(pid);
  }

  find(pid: number): SimulatedProcess | undefined {
    return this.#processes.get(pid);
  }

  /** `ps -e -o pid=,stat=,args=`: a few system processes, ours, and the `ps` itself. */
  ps(): CommandAnswer {
    const rows: { pid: number; stat: string; args: string }[] = [
      { pid: 1, stat: 'Ss', args: '/sbin/init' },
      { pid: 612, stat: 'Ss', args: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups' },
      ...this.processes,
      { pid: this.#nextPid++, stat: 'R', args: 'ps -e -o pid=,stat=,args=' },
    ];
    const stdout = rows.map((r) => `${String(r.pid).padStart(7)} ${r.stat.padEnd(4)} ${r.args}\n`).join('');
    return { code: 0, stdout, stderr: '' };
  }

  /** `lsof -a -d cwd -c <prefix> -Fpcn`: one p/c/f/n group per live process whose name starts with prefix. */
  lsofCwd(prefix: string): CommandAnswer {
    const groups = this.#live()
      .filter((p) => commandName(p.args).startsWith(prefix))
      .map((p) => `p${p.pid}\nc${commandName(p.args)}\nfcwd\nn${p.cwd}\n`);
    return lsofAnswer(groups);
  }

  /** `lsof -a -iTCP:<port> -sTCP:LISTEN -Fp`: the live processes listening on the port. */
  lsofListening(port: number): CommandAnswer {
    const groups = this.#live()
      .filter((p) => p.listenPorts.includes(port))
      .map((p) => `p${p.pid}\nf${3 + p.listenPorts.indexOf(port)}\n`);
    return lsofAnswer(groups);
  }

  #live(): SimulatedProcess[] {
    return this.processes.filter((p) => !p.stat.startsWith('Z'));
  }
}

/** lsof exits 1 without a word when nothing matches. */
function lsofAnswer(groups: string[]): CommandAnswer {
  return groups.length === 0 ? { code: 1, stdout: '', stderr: '' } : { code: 0, stdout: groups.join(''), stderr: '' };
}
