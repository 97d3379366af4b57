// The SshError a promise is rejected with (the test fails when it resolves or rejects otherwise).
import { expect } from 'vitest';
import { SshError } from '../../src/main/worker-node/connection';

export async function failure(promise: Promise<unknown>): Promise<SshError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SshError);
  return error as SshError;
}
