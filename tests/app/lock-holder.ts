// A process that takes the lock of the data directory given as its argument, says so on stdout,
// and holds it until it is killed (or refused: the message on stderr, exit code 3).
import { DataDirLockedError, lockDataDir } from '../../src/main/app/lock';

const dataDir = process.argv[2] as string;
try {
  lockDataDir(dataDir);
  process.stdout.write(`locked ${process.pid}\n`);
  setInterval(() => {}, 60_000);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(error instanceof DataDirLockedError ? 3 : 1);
}
