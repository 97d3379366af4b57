// The simulated worker computer: product code used by the demo, the tests and the benchmarks.
export {
  generateEd25519KeyPair,
  publicKeyLine,
  startWorkerSimulator,
  type ExecRecord,
  type WorkerSimulator,
  type WorkerSimulatorOptions,
} from './server';
export { grawTimestamp, logLine, SimulatedDataRouter, type DataRouterSpec } from './data-router';
export { SimulatedDisks, type SimulatedFileSystem } from './disks';
export { commandName, ProcessTable, type CommandAnswer, type SimulatedProcess, type SimulatedProcessSpec } from './process-table';
export { answerArgv, answerCommandLine } from './commands';
export { CommandLineError, parseCommandLine } from './command-line';
export { Sandbox, SandboxEscapeError } from './sandbox';
export { serveSftp, type SftpSessionOptions } from './sftp-server';
