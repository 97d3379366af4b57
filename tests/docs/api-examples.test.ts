// docs/api.md promises that its curl examples work as written against `npm run serve` on a
// fresh data directory. This test starts that server as a real process and runs every example,
// in order, with bash and curl.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess, type ServeProcess } from '../support/serve-process';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Example {
  command: string;
  /** Error codes the example is documented to answer with; none means it succeeds. */
  expect: string[];
}

/** The curl commands of the document's sh blocks, with continuation lines joined. */
function curlExamples(markdown: string): Example[] {
  const examples: Example[] = [];
  const block = /(?:<!-- expect: ([A-Z_|]+) -->\n)?```sh\n([\s\S]*?)```/g;
  for (const match of markdown.matchAll(block)) {
    const expected = match[1]?.split('|') ?? [];
    const joined = (match[2] ?? '').replace(/\\\n\s*/g, '');
    for (const line of joined.split('\n')) {
      if (line.trim().startsWith('curl ')) examples.push({ command: line.trim(), expect: expected });
    }
  }
  return examples;
}

describe('the curl examples of docs/api.md', () => {
  let server: ServeProcess | undefined;
  let origin = '';
  let token = '';
  let dataDir: string | undefined;

  beforeAll(async () => {
    // Its own folder, removed after all the examples: tempDir's would go after the first test,
    // under the running server (which then cannot write a new file there, e.g. monitor.newToken's).
    dataDir = mkdtempSync(join(tmpdir(), 'daq-docs-'));
    // As `npm run serve -- --data DIR --port N` (which builds first when needed), on a free port.
    server = await startServeProcess({ script: join(root, 'scripts/serve.mjs'), args: ['--data', dataDir, '--port', '0'], cwd: root, startTimeoutMs: 170_000 });
    ({ origin, token } = server);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('documents every operation of the contract', async () => {
    const { OPERATION_NAMES } = await import('../../src/shared/api/contract');
    const markdown = readFileSync(join(root, 'docs/api.md'), 'utf8');
    const documented = new Set(curlExamples(markdown).map((e) => /\/api\/([\w.]+)/.exec(e.command)?.[1]));
    expect(OPERATION_NAMES.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('answer as documented, run in order against a fresh server', () => {
    const examples = curlExamples(readFileSync(join(root, 'docs/api.md'), 'utf8'));
    expect(examples.length).toBeGreaterThan(20);
    for (const example of examples) {
      // The examples name the experiment network's addresses, as an operator would type them.
      // The server contacts ECC servers and worker computers in the background, and this machine
      // may send traffic only to loopback: the same commands run with the addresses moved there.
      const command = example.command.replaceAll('192.168.', '127.168.');
      expect(command, 'an example names a private address that the test does not map to loopback').not.toMatch(
        /\b(10\.\d+|192\.168|172\.(1[6-9]|2\d|3[01]))\.\d+\.\d+/,
      );
      const run = spawnSync('bash', ['-c', `set -o pipefail; ${command}`], {
        env: { ...process.env, DAQ: origin, TOKEN: token },
        encoding: 'utf8',
      });
      expect(run.status, `${example.command}\n${run.stderr}`).toBe(0);
      if (/>\s*\S+$/.test(example.command)) continue; // Saved to a file, read by a later example.
      const answer = JSON.parse(run.stdout) as { ok: boolean; error?: { code: string } };
      if (example.expect.length === 0) {
        expect(answer, example.command).toMatchObject({ ok: true });
      } else {
        expect(answer.ok, example.command).toBe(false);
        expect(example.expect, `${example.command}\n${run.stdout}`).toContain(answer.error?.code);
      }
    }
  });
});
