// The simulated ECC server: product code used by the demo, the tests and the benchmarks.
export {
  BUSY_MESSAGE,
  closeEccSimulators,
  ECC_OPERATIONS,
  GARBAGE_BODY,
  OTHER_ERROR_CODE,
  SPECIAL_COMMANDS,
  startEccSimulator,
  startEccSimulators,
  type EccOperation,
  type EccRequestRecord,
  type EccSimulator,
  type EccSimulatorBehaviour,
  type EccSimulatorOptions,
  type ReceivedField,
} from './server';
export { configIdSetText, readConfigFolder, type ConfigNames } from './config-sets';
export { stateCode, stepCode, stepTarget } from './state-machine';
