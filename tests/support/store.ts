// Test fixtures: a real SQLite file in a fresh temporary folder, and the API service over it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { OperationName, InputOf, OutputOf } from '../../src/shared/api/contract';
import { ApiError } from '../../src/shared/api/errors';
import { Store, type OpenOptions } from '../../src/main/db/store';
import { ApiService } from '../../src/main/api/service';
import { handlers } from '../../src/main/api/handlers';
import type { Caller } from '../../src/main/api/handler';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** A fresh temporary folder, removed after the test. */
export function tempDir(prefix = 'daq-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A store on a real database file, closed and removed after the test. */
export function tempStore(options: OpenOptions = {}): Store {
  const store = new Store(join(tempDir(), 'daq.sqlite'), options);
  cleanups.push(() => store.close());
  return store;
}

export const operator: Caller = { origin: 'test', osUser: 'tester', readOnly: false };
export const monitor: Caller = { origin: 'test', osUser: 'tester', readOnly: true };

export interface TestApi {
  store: Store;
  service: ApiService;
  /** Calls an operation as the operator; resolves with its value or rejects with the ApiError. */
  call<K extends OperationName>(name: K, input: InputOf<K>, caller?: Caller): Promise<OutputOf<K>>;
}

/** The whole API over a fresh database, as the transports serve it. */
export function testApi(store: Store = tempStore()): TestApi {
  const service = new ApiService({ store, handlers, app: { version: 'test', dataDir: '/tmp/test' } });
  cleanups.push(() => service.close());
  return {
    store,
    service,
    async call(name, input, caller = operator) {
      const result = await service.call(name, input, caller);
      if (!result.ok) throw ApiError.from(result.error);
      return result.value as never;
    },
  };
}
