// The gateway over its Piscina pool when servers misbehave, against tiny real peers on
// 127.0.0.1: every failure comes back as an EccCallError of the right kind, within the soft
// limit, and the pool keeps serving other calls meanwhile.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EccGateway } from '../../src/main/ecc/gateway';
import { createEccGateway, resolveEccWorker } from '../../src/main/ecc/pool';
import { closedPort, failure, gsoap, httpPeer, silentPeer, stateAnswer } from './peers';

const SOFT_MS = 500;
const limits = { softMs: SOFT_MS, hardMs: 2 * SOFT_MS };

/** A server that answers Idle. */
const answering = async () => (await httpPeer((res) => gsoap(res, stateAnswer(1, 0)))).endpoint;

const set = { describe: 'cobo0', prepare: 'experiment', configure: 'experiment' };

describe('the ECC gateway when servers fail', () => {
  let gateway: EccGateway;

  beforeAll(async () => {
    // One thread only: whatever hangs shares it with whatever answers.
    gateway = createEccGateway({ getStateLimits: limits, configIdsLimits: limits, stepLimits: limits, maxThreads: 1 });
    // Start the thread, and load `soap` with the WSDL (steps and GetConfigIDs use them; GetState
    // does not), before anything is timed. The listing this peer gives is not read: no matter.
    await gateway.getState(await answering());
    await gateway.getConfigIds(await answering()).catch(() => undefined);
  });
  afterAll(() => gateway.close());

  it('reports a server that accepts and never answers as a timeout within the soft limit, then serves the next call at once', async () => {
    const { endpoint: silent } = await silentPeer();
    const started = Date.now();
    const error = await failure(gateway.getState(silent));
    const elapsed = Date.now() - started;
    expect(error.kind).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(SOFT_MS - 20);
    // Ended by the task's own (soft) limit, not by the pool's hard one.
    expect(error.message).not.toMatch(/hard limit/);
    const next = Date.now();
    expect(await gateway.getState(await answering())).toMatchObject({ state: 'Idle', transition: null });
    console.log(`never answers: timeout after ${elapsed} ms (soft limit ${SOFT_MS} ms); next call answered in ${Date.now() - next} ms`);
  });

  it('answers other calls while twenty calls hang in the same thread', async () => {
    const { endpoint: silent } = await silentPeer();
    let settled = 0;
    const hanging = Array.from({ length: 20 }, () => failure(gateway.getState(silent)).finally(() => settled++));
    const started = Date.now();
    await gateway.getState(await answering());
    console.log(`one answer among 20 hanging calls on one thread: ${Date.now() - started} ms`);
    // It was answered while the twenty still hung: it did not wait for their limits.
    expect(settled).toBe(0);
    for (const error of await Promise.all(hanging)) expect(error.kind).toBe('timeout');
  });

  it('reports a step that gets no answer as a timeout within its soft limit', async () => {
    const { endpoint: silent } = await silentPeer();
    const started = Date.now();
    const error = await failure(gateway.step(silent, 'Describe', set, []));
    expect(error.kind).toBe('timeout');
    expect(error.message).not.toMatch(/hard limit/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(SOFT_MS - 20);
  });

  it('reports an answer that is not XML as garbage', async () => {
    const { endpoint: peer } = await httpPeer((res) => res.end('Hello, I am not an ECC server'));
    const error = await failure(gateway.getState(peer));
    expect(error.kind).toBe('garbage');
    expect(error.message).toMatch(/not XML/);
  });

  it('reports a refused connection as unreachable', async () => {
    const endpoint = { address: '127.0.0.1', port: await closedPort(), soapNamespace: 'urn:ecc' };
    expect((await failure(gateway.getConfigIds(endpoint))).kind).toBe('unreachable');
  });

  it('reports a server that closes the connection before answering as disconnected', async () => {
    const { endpoint: peer } = await httpPeer((res) => res.socket?.destroy());
    expect((await failure(gateway.step(peer, 'Start', set, []))).kind).toBe('disconnected');
  });

  it('reports each server of a round separately, in order', async () => {
    const endpoints = [await answering(), { address: '127.0.0.1', port: await closedPort(), soapNamespace: 'urn:ecc' }, (await silentPeer()).endpoint];
    const rows = await gateway.getStates(endpoints);
    expect(rows.map((r) => (r.ok ? r.report.state : r.kind))).toEqual(['Idle', 'unreachable', 'timeout']);
  });

  it('refuses a step whose config names cannot be sent, before sending anything', async () => {
    let requests = 0;
    const { endpoint: peer } = await httpPeer((res) => {
      requests++;
      gsoap(res, stateAnswer(1, 0));
    });
    const error = await failure(gateway.step(peer, 'Describe', { ...set, describe: 'cobo_é' }, []));
    expect(error.kind).toBe('other');
    expect(error.message).toMatch(/Describe not sent: .*'é'.*printable ASCII/);
    expect(requests).toBe(0);
  });
});

describe('the ECC gateway pool', () => {
  it('ends a task that outlives its hard limit with a timeout and keeps serving', async () => {
    // A worker module whose getState never settles stands for a stuck worker thread.
    const filename = join(import.meta.dirname, 'stuck-worker.mjs');
    const gateway = createEccGateway({ worker: { filename, execArgv: [] }, getStateLimits: { softMs: 100, hardMs: 300 } });
    try {
      const started = Date.now();
      const error = await failure(gateway.getState({ address: '127.0.0.1', port: 1, soapNamespace: 'urn:ecc' }));
      expect(error.kind).toBe('timeout');
      expect(error.message).toMatch(/hard limit of 300 ms/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300 - 20);
      expect(await gateway.getState({ address: '127.0.0.1', port: 2, soapNamespace: 'urn:ecc' })).toBe('fine');
    } finally {
      await gateway.close();
    }
  });

  it('refuses calls once closed', async () => {
    const gateway = createEccGateway({ getStateLimits: limits });
    await gateway.close();
    const error = await failure(gateway.getState(await answering()));
    expect(error.kind).toBe('other');
    expect(error.message).toMatch(/closed/);
  });

  it('refuses limits whose hard limit is shorter than the soft one', () => {
    expect(() => createEccGateway({ stepLimits: { softMs: 1000, hardMs: 500 } })).toThrow(/hard limit at least as long/);
  });

  it('finds the worker: worker.ts through the tsx require hook from the sources, ecc-worker.js next to the bundle once built', () => {
    expect(resolveEccWorker()).toEqual({
      filename: join(__dirname, '../../src/main/ecc/worker.ts'),
      execArgv: ['--require', createRequire(import.meta.url).resolve('tsx/cjs')],
    });
    const out = mkdtempSync(join(tmpdir(), 'ecc-out-'));
    try {
      mkdirSync(join(out, 'main', 'chunks'), { recursive: true });
      writeFileSync(join(out, 'main', 'ecc-worker.js'), '');
      const worker = join(out, 'main', 'ecc-worker.js');
      expect(resolveEccWorker(pathToFileURL(join(out, 'main', 'index.js')).href)).toEqual({ filename: worker, execArgv: [] });
      expect(resolveEccWorker(pathToFileURL(join(out, 'main', 'chunks', 'pool-x.js')).href)).toEqual({ filename: worker, execArgv: [] });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
