// The product's SSH worker module (src/main/worker-node/ssh-worker.ts) whose tasks end their
// thread when a test asks (crashing-worker.ts): for tests/faults/threads.test.ts.
import * as product from '../../src/main/worker-node/ssh-worker';
import { crashingTask } from './crashing-worker';

export const checkDataRouter = crashingTask('checkDataRouter', product.checkDataRouter);
export const checkEccServerProcess = crashingTask('checkEccServerProcess', product.checkEccServerProcess);
export const organizeFiles = crashingTask('organizeFiles', product.organizeFiles);
export const locateStaging = crashingTask('locateStaging', product.locateStaging);
export const snapshotStaging = crashingTask('snapshotStaging', product.snapshotStaging);
export const moveLeftovers = crashingTask('moveLeftovers', product.moveLeftovers);
export const backupConfigs = crashingTask('backupConfigs', product.backupConfigs);
export const hashConfigFiles = crashingTask('hashConfigFiles', product.hashConfigFiles);
export const tailLog = crashingTask('tailLog', product.tailLog);
