// What the simulated worker computer answers over exec: exactly the commands the application
// sends (processes.ts, staging.ts, disk.ts, checksums.ts), as the real tools answer them. Nothing is ever executed:
// any other command gets the shell's "command not found", so a new command in the application
// fails loudly here until the simulator learns it.
import { CommandLineError, parseCommandLine } from './command-line';
import type { SimulatedDisks } from './disks';
import type { CommandAnswer, ProcessTable } from './process-table';

const PS_ARGS = ['-e', '-o', 'pid=,stat=,args='];
const LISTEN_PORT = /^-iTCP:(\d{1,5})$/;

function sameArgs(actual: readonly string[], expected: readonly string[]): boolean {
  return actual.length === expected.length && actual.every((a, i) => a === expected[i]);
}

/** A real tool the simulation knows only with the application's options. */
function unsupported(program: string, argv: readonly string[]): CommandAnswer {
  return {
    code: 1,
    stdout: '',
    stderr: `${program}: the simulated worker computer does not answer ${JSON.stringify(argv)}\n`,
  };
}

/** The answer to an argv. */
export function answerArgv(argv: readonly string[], processes: ProcessTable, disks?: SimulatedDisks): CommandAnswer {
  const [program = '', ...args] = argv;
  // df -Pk <absolute directory>
  if (program === 'df') return disks && args.length === 2 && args[0] === '-Pk' && args[1]?.startsWith('/') ? disks.df(args[1]) : unsupported(program, argv);
  // sha256sum -- <absolute path> … (checksums.ts: the run folder's files, in batches)
  if (program === 'sha256sum') {
    const paths = args.slice(1);
    return disks && args[0] === '--' && paths.length > 0 && paths.every((p) => p.startsWith('/')) ? disks.sha256sum(paths) : unsupported(program, argv);
  }
  if (program === 'ps') return sameArgs(args, PS_ARGS) ? processes.ps() : unsupported(program, argv);
  if (program === 'lsof') {
    // lsof -a -d cwd -c <name> -Fpcn
    if (args.length === 6 && sameArgs([...args.slice(0, 4), ...args.slice(5)], ['-a', '-d', 'cwd', '-c', '-Fpcn'])) {
      const name = args[4] ?? '';
      // `-c /regex/` is a pattern in lsof; only plain prefixes are simulated.
      if (name === '' || name.startsWith('/')) return unsupported(program, argv);
      return processes.lsofCwd(name);
    }
    // lsof -a -iTCP:<port> -sTCP:LISTEN -Fp
    const port = LISTEN_PORT.exec(args[1] ?? '');
    if (port && args.length === 4 && args[0] === '-a' && args[2] === '-sTCP:LISTEN' && args[3] === '-Fp') {
      const number = Number(port[1]);
      if (number < 1 || number > 65535) return unsupported(program, argv);
      return processes.lsofListening(number);
    }
    return unsupported(program, argv);
  }
  return { code: 127, stdout: '', stderr: `sh: ${program}: command not found\n` };
}

/** The answer to a command line as the client sent it (strictly quoted argv, see command-line.ts). */
export function answerCommandLine(line: string, processes: ProcessTable, disks?: SimulatedDisks): CommandAnswer & { argv: string[] | null } {
  let argv: string[];
  try {
    argv = parseCommandLine(line);
  } catch (error) {
    if (!(error instanceof CommandLineError)) throw error;
    return { argv: null, code: 2, stdout: '', stderr: `sh: the simulated worker computer refuses this command line: ${error.message}\n` };
  }
  return { argv, ...answerArgv(argv, processes, disks) };
}
