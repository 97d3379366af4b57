// Test support: a real writer, as a data router emptying its buffers after Stop. Appends to
// `<staging>/b.graw` every 200 ms, `writes` times, and from the middle on also to a new
// `<staging>/c.graw`. Before each write it checks that the file it writes is still in the
// staging folder: a file moved while growing makes it exit 3 naming it. Files are written
// through open handles, as a router does.
import { spawn, type ChildProcess } from 'node:child_process';

export interface GrawWriter {
  child: ChildProcess;
  /** Its exit code and what it printed: `{ code: 0, output: 'done' }` when every write landed in place. */
  exited: Promise<{ code: number | null; output: string }>;
  running(): boolean;
}

export function startGrawWriter(staging: string, writes: number): GrawWriter {
  const script = `
    const fs = require('fs'); const path = require('path');
    const [dir, count] = [process.argv[1], Number(process.argv[2])];
    const open = {};
    const write = (name, i) => {
      const file = path.join(dir, name);
      if (open[name] !== undefined && !fs.existsSync(file)) { console.log('moved while growing: ' + name); process.exit(3); }
      if (open[name] === undefined) open[name] = fs.openSync(file, 'a');
      fs.writeSync(open[name], 'chunk ' + i + '\\n');
    };
    let i = 0;
    const timer = setInterval(() => {
      write('b.graw', i);
      if (i >= count / 2) write('c.graw', i);
      if (++i >= count) { clearInterval(timer); for (const fd of Object.values(open)) fs.closeSync(fd); console.log('done'); }
    }, 200);
  `;
  const child = spawn(process.execPath, ['-e', script, staging, String(writes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) => child.once('exit', (code) => resolve({ code, output: output.trim() })));
  return { child, exited, running: () => child.exitCode === null && child.signalCode === null };
}
