// Subscriptions shared by the views that follow the same query. The transport here is a
// recording stand-in (no WebSocket in Node 20): what is tested is the sharing; the e2e tests run
// the same client against the real server in Chromium.
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../shared/api/contract';
import { SharedSubscriptionsClient } from './shared-client';

interface Opened {
  name: string;
  input: unknown;
  push: (value: unknown) => void;
  fail: (error: Error) => void;
  stopped: boolean;
}

function recordingTransport(): { client: ApiClient; opened: Opened[] } {
  const opened: Opened[] = [];
  const client = {
    call: () => Promise.reject(new Error('not used')),
    subscribe: (name: string, input: unknown, onData: (value: unknown) => void, onError: (error: Error) => void) => {
      const entry: Opened = { name, input, push: onData, fail: onError, stopped: false };
      opened.push(entry);
      return () => {
        entry.stopped = true;
      };
    },
  } as unknown as ApiClient;
  return { client, opened };
}

const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('shared subscriptions', () => {
  it('open one subscription per query and input, give a late view the last result, and close with the last view', async () => {
    const { client, opened } = recordingTransport();
    const shared = new SharedSubscriptionsClient(client);
    const first: unknown[] = [];
    const second: unknown[] = [];
    const stopFirst = shared.subscribe('ecc.status', {}, (v) => first.push(v), () => {});
    const other = shared.subscribe('setup.get', { experimentId: 2 }, () => {}, () => {});
    expect(opened.map((o) => [o.name, o.input])).toEqual([['ecc.status', {}], ['setup.get', { experimentId: 2 }]]);

    opened[0]!.push({ n: 1 });
    const stopSecond = shared.subscribe('ecc.status', {}, (v) => second.push(v), () => {});
    expect(opened).toHaveLength(2);
    expect(second).toEqual([]);
    await tick();
    expect(second).toEqual([{ n: 1 }]);

    opened[0]!.push({ n: 2 });
    expect(first).toEqual([{ n: 1 }, { n: 2 }]);
    expect(second).toEqual([{ n: 1 }, { n: 2 }]);

    stopFirst();
    expect(opened[0]!.stopped).toBe(false);
    stopSecond();
    stopSecond();
    expect(opened[0]!.stopped).toBe(true);
    expect(shared.active).toBe(1);
    other();
    expect(shared.active).toBe(0);

    // Followed again: a new subscription, not the closed one.
    shared.subscribe('ecc.status', {}, () => {}, () => {});
    expect(opened).toHaveLength(3);
  });

  it('pass an error to every view, and to one that joins after it; no stale replay after a newer push', async () => {
    const { client, opened } = recordingTransport();
    const shared = new SharedSubscriptionsClient(client);
    const errors: string[] = [];
    shared.subscribe('runs.status', {}, () => {}, (e) => errors.push(`a ${e.message}`));
    opened[0]!.fail(new Error('refused'));
    shared.subscribe('runs.status', {}, () => {}, (e) => errors.push(`b ${e.message}`));
    await tick();
    expect(errors).toEqual(['a refused', 'b refused']);

    const seen: unknown[] = [];
    shared.subscribe('runs.status', {}, (v) => seen.push(v), () => {});
    opened[0]!.push('newer');
    await tick();
    expect(seen).toEqual(['newer']);
  });
});
