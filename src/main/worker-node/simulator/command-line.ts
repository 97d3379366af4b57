// Reads back the command lines the application sends over exec (connection.ts `commandLine`):
// every argument in single quotes, a quote inside written as '\'', one space between arguments.
// Anything else is refused rather than guessed at: the simulator never hands text to a shell,
// and a command the application did not build this way is a bug worth seeing.

/** A command line that is not the strictly quoted argv the application sends. */
export class CommandLineError extends Error {
  override name = 'CommandLineError';
}

/** The argv of a command line built by `commandLine(argv)`; throws CommandLineError otherwise. */
export function parseCommandLine(line: string): string[] {
  const argv: string[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new CommandLineError(`${why} at character ${i + 1} of ${JSON.stringify(line)}`);
  };
  if (line.length === 0) fail('Empty command line');
  while (i < line.length) {
    if (line[i] !== "'") fail('Expected a single-quoted argument');
    i++;
    let arg = '';
    for (;;) {
      const close = line.indexOf("'", i);
      if (close < 0) fail('Unterminated quote');
      arg += line.slice(i, close);
      i = close + 1;
      // `'\''`: the quote closes, an escaped quote, the quote opens again.
      if (line.startsWith("\\''", i)) {
        arg += "'";
        i += 3;
        continue;
      }
      break;
    }
    if (arg.includes('\0')) fail('NUL character in an argument');
    argv.push(arg);
    if (i === line.length) break;
    if (line[i] !== ' ') fail('Expected one space between arguments');
    i++;
    if (i === line.length) fail('Trailing space');
  }
  return argv;
}
