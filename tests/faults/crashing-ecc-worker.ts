// The product's ECC worker module (src/main/ecc/worker.ts) whose tasks end their thread when a
// test asks (crashing-worker.ts): for tests/faults/threads.test.ts.
import { getConfigIds as productGetConfigIds, getState as productGetState, getStates as productGetStates, step as productStep } from '../../src/main/ecc/worker';
import { crashingTask } from './crashing-worker';

export const getState = crashingTask('getState', productGetState);
export const getStates = crashingTask('getStates', productGetStates);
export const getConfigIds = crashingTask('getConfigIds', productGetConfigIds);
export const step = crashingTask('step', productStep);
