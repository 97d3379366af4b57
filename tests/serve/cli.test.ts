// The browser-interface server's command line: its options, its mistakes, and the lines it
// prints on start (people and scripts read them).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, UsageError, parseServeArgs, startServe, usage } from '../../src/main/app/cli';
import { LOCK_OWNER_FILE } from '../../src/main/app/lock';
import { defaultDataDir } from '../../src/main/app/paths';
import { cookieFrom, onCleanup, request } from '../api/support';
import { tempDir } from '../support/store';

const env = { HOME: '/home/op', XDG_DATA_HOME: '/data/xdg' };

describe('parseServeArgs', () => {
  it('defaults to port 8765 on 127.0.0.1, writable, in the per-user data directory', () => {
    expect(parseServeArgs([], env)).toEqual({
      dataDir: '/data/xdg/attpc-daq',
      port: DEFAULT_PORT,
      host: '127.0.0.1',
      readOnly: false,
      help: false,
    });
    expect(DEFAULT_PORT).toBe(8765);
  });

  it('reads every option, as "--name value" or "--name=value"', () => {
    expect(parseServeArgs(['--data', '/srv/daq', '--port', '0', '--host', '0.0.0.0', '--read-only'], env)).toEqual({
      dataDir: '/srv/daq',
      port: 0,
      host: '0.0.0.0',
      readOnly: true,
      help: false,
    });
    expect(parseServeArgs(['--port=9000', '--data=/x', '--host=[::1]'], env)).toMatchObject({ port: 9000, dataDir: '/x', host: '::1' });
    expect(parseServeArgs(['--monitor-port', '0', '--monitor-host=[::1]'], env)).toMatchObject({ monitorPort: 0, monitorHost: '::1' });
    expect(parseServeArgs(['--help'], env).help).toBe(true);
    expect(parseServeArgs(['-h'], env).help).toBe(true);
  });

  it('rejects mistakes with a message naming the problem', () => {
    const cases: [string[], RegExp][] = [
      [['--prot', '80'], /Unknown option --prot/],
      [['-p', '80'], /Unknown option -p/],
      [['--port'], /--port needs a value/],
      [['--port', '--read-only'], /--port needs a value/],
      [['--port', 'eighty'], /--port must be a whole number from 0 to 65535.*"eighty"/],
      [['--port', '70000'], /--port must be a whole number from 0 to 65535/],
      [['--port', '-1'], /--port must be a whole number/],
      [['--port', '80.5'], /--port must be a whole number/],
      [['--data'], /--data needs a value/],
      [['--data', ''], /--data needs a directory/],
      [['--host', 'a b'], /--host must be an address/],
      [['--read-only=yes'], /--read-only takes no value/],
      [['--port', '1', '--port', '2'], /--port is given twice/],
      [['serve'], /Unexpected argument "serve"/],
      [['--monitor-port', '70000'], /--monitor-port must be a whole number from 0 to 65535.*"70000"/],
      [['--monitor-port'], /--monitor-port needs a value/],
      [['--monitor-host', 'a b'], /--monitor-host must be an address/],
      [['--monitor-port', '1', '--monitor-port', '2'], /--monitor-port is given twice/],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseServeArgs(argv, env), argv.join(' ')).toThrow(UsageError);
      expect(() => parseServeArgs(argv, env), argv.join(' ')).toThrow(message);
    }
  });

  it('documents every option in the help', () => {
    const help = usage('/data/dir');
    for (const option of ['--data DIR', '--port N', '--host H', '--read-only', '--monitor-port N', '--monitor-host H', '--help']) expect(help).toContain(option);
    expect(help).toContain('/data/dir');
    expect(help).toContain('8765');
  });
});

describe('defaultDataDir', () => {
  it('follows each platform\'s convention, and ATTPC_DAQ_DATA overrides it', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux', '/home/op')).toBe('/x/attpc-daq');
    expect(defaultDataDir({}, 'linux', '/home/op')).toBe('/home/op/.local/share/attpc-daq');
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/op')).toBe('/home/op/.local/share/attpc-daq');
    expect(defaultDataDir({}, 'darwin', '/Users/op')).toBe('/Users/op/Library/Application Support/attpc-daq');
    expect(defaultDataDir({ ATTPC_DAQ_DATA: '/tmp/e2e' }, 'linux', '/home/op')).toBe('/tmp/e2e');
  });
});

describe('startServe', () => {
  it('prints where the data is, the address to open and the token, exactly', async () => {
    const dataDir = tempDir();
    const lines: string[] = [];
    const running = await startServe({ dataDir, port: 0, host: '127.0.0.1', readOnly: false, help: false }, (line) => lines.push(line), () => {});
    onCleanup(() => running.stop());
    const { token } = running.application;
    const port = running.server.port;
    expect(lines).toEqual([
      `AT-TPC DAQ control, data in ${dataDir}`,
      `  Open:  http://127.0.0.1:${port}/?token=${token}`,
      `  Token: ${token}`,
    ]);

    // The printed address logs a browser in.
    const open = /^ {2}Open: {2}(\S+)$/.exec(lines[1] as string)?.[1] as string;
    const login = await request(open);
    expect(login.status).toBe(303);
    const info = await request(`http://127.0.0.1:${port}/api/app.info`, { method: 'POST', headers: { Cookie: cookieFrom(login) } });
    expect(info.json).toMatchObject({ ok: true, value: { readOnly: false, dataDir } });
  });

  it('marks the address "(read-only)" and serves read-only', async () => {
    const dataDir = tempDir();
    const lines: string[] = [];
    const running = await startServe({ dataDir, port: 0, host: '127.0.0.1', readOnly: true, help: false }, (line) => lines.push(line), () => {});
    onCleanup(() => running.stop());
    expect(lines[1]).toBe(`  Open:  http://127.0.0.1:${running.server.port}/?token=${running.application.token} (read-only)`);
    const answer = await request(`${running.server.url}/api/experiments.create`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${running.application.token}` },
      body: JSON.stringify({ name: 'e1' }),
    });
    expect(answer.status).toBe(403);
  });

  it('prints the monitor address with the monitor token when --monitor-port opens it, and serves it read-only', async () => {
    const dataDir = tempDir();
    const lines: string[] = [];
    const running = await startServe(
      { dataDir, port: 0, host: '127.0.0.1', readOnly: false, monitorPort: 0, help: false },
      (line) => lines.push(line),
      () => {},
    );
    onCleanup(() => running.stop());
    const monitor = running.application.monitor.status();
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe(`  Monitor: ${monitor.url}/?token=${monitor.token} (read-only, for the other screens)`);
    expect(lines[3]).not.toContain(running.application.token);
    const link = /^ {2}Monitor: (\S+) /.exec(lines[3] as string)?.[1] as string;
    const login = await request(link);
    expect(login.status).toBe(303);
    const refused = await request(`${monitor.url}/api/experiments.create`, { method: 'POST', headers: { Cookie: cookieFrom(login) }, body: '{"name":"e1"}' });
    expect(refused.status).toBe(403);
  });

  it('fails to start when the monitor asked for on the command line cannot listen', async () => {
    const first = await startServe({ dataDir: tempDir(), port: 0, host: '127.0.0.1', readOnly: false, help: false }, () => {}, () => {});
    onCleanup(() => first.stop());
    const dataDir = tempDir();
    await expect(
      startServe({ dataDir, port: 0, host: '127.0.0.1', readOnly: false, monitorPort: first.server.port, help: false }, () => {}, () => {}),
    ).rejects.toThrow(/The monitor cannot be served: port: port \d+ is already in use/);
    // The data directory was released.
    expect(existsSync(join(dataDir, LOCK_OWNER_FILE))).toBe(false);
  });

  it('warns loudly when the monitor listens beyond this computer', async () => {
    const warnings: string[] = [];
    const running = await startServe(
      { dataDir: tempDir(), port: 0, host: '127.0.0.1', readOnly: false, monitorPort: 0, monitorHost: '0.0.0.0', help: false },
      () => {},
      (line) => warnings.push(line),
    );
    onCleanup(() => running.stop());
    expect(warnings.join('\n')).toMatch(/WARNING: listening on 0\.0\.0\.0.*\n.*can watch the DAQ/);
  });

  it('warns loudly when listening beyond this computer', async () => {
    const warnings: string[] = [];
    const running = await startServe(
      { dataDir: tempDir(), port: 0, host: '0.0.0.0', readOnly: false, help: false },
      () => {},
      (line) => warnings.push(line),
    );
    onCleanup(() => running.stop());
    expect(warnings.join('\n')).toMatch(/WARNING: listening on 0\.0\.0\.0/);
  });

  it('releases the data directory when stopped', async () => {
    const dataDir = tempDir();
    const running = await startServe({ dataDir, port: 0, host: '127.0.0.1', readOnly: false, help: false }, () => {}, () => {});
    expect(existsSync(join(dataDir, LOCK_OWNER_FILE))).toBe(true);
    await running.stop();
    expect(existsSync(join(dataDir, LOCK_OWNER_FILE))).toBe(false);
  });

  it('refuses to start on a data directory another instance is using, and leaves that one running', async () => {
    const dataDir = tempDir();
    const first = await startServe({ dataDir, port: 0, host: '127.0.0.1', readOnly: false, help: false }, () => {}, () => {});
    onCleanup(() => first.stop());
    await expect(startServe({ dataDir, port: 0, host: '127.0.0.1', readOnly: false, help: false }, () => {}, () => {})).rejects.toThrow(
      /Another instance is using/,
    );
    const answer = await request(`${first.server.url}/api/app.info`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${first.application.token}` },
    });
    expect(answer.status).toBe(200);
  });
});

// The real command as built by `electron-vite build` (skipped until it is built).
const builtServe = fileURLToPath(new URL('../../out/main/serve.js', import.meta.url));

/** Runs the built server; resolves with its output once `until` matches it, and the process. */
function runBuilt(args: string[], until: RegExp) {
  const child = spawn(process.execPath, [builtServe, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const matched = new Promise<string>((resolve, reject) => {
    const check = () => {
      if (until.test(output)) resolve(output);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      check();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      check();
    });
    void exited.then(() => (until.test(output) ? resolve(output) : reject(new Error(`exited before printing ${until}:\n${output}`))));
  });
  onCleanup(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, matched, exited, output: () => output };
}

describe.skipIf(!existsSync(builtServe))('the built serve command', () => {
  it('exits with code 2 and a clear message on a bad option', async () => {
    const run = runBuilt(['--port', 'x'], /Run with --help/);
    expect(await run.matched).toMatch(/Error: --port must be a whole number/);
    expect(await run.exited).toBe(2);
  });

  it('serves until SIGINT, then shuts down cleanly and releases the data directory', async () => {
    const dataDir = tempDir();
    const run = runBuilt(['--data', dataDir, '--port', '0'], /Token: [0-9a-f]{64}\n/);
    const output = await run.matched;
    expect(output).toMatch(new RegExp(`^AT-TPC DAQ control, data in ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`, 'm'));
    const url = /^ {2}Open: {2}(http:\/\/127\.0\.0\.1:\d+)\/\?token=([0-9a-f]{64})$/m.exec(output);
    expect(url).not.toBeNull();
    const answer = await request(`${url?.[1]}/api/experiments.list`, { method: 'POST', headers: { Authorization: `Bearer ${url?.[2]}` } });
    expect(answer.json).toEqual({ ok: true, value: [] });
    expect(existsSync(join(dataDir, LOCK_OWNER_FILE))).toBe(true);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(existsSync(join(dataDir, LOCK_OWNER_FILE))).toBe(false);
  });
});
