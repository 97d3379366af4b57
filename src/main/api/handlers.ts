// Every operation of the contract, implemented: the map both transports serve.
import { experimentHandlers } from '../experiments/handlers';
import { logHandlers } from '../log/handlers';
import { runSheetHandlers } from '../runsheet/handlers';
import { setupHandlers } from '../setup/handlers';
import { appHandlers } from './app-handlers';
import type { Handlers } from './handler';

export const handlers: Handlers = {
  ...appHandlers,
  ...experimentHandlers,
  ...setupHandlers,
  ...runSheetHandlers,
  ...logHandlers,
};
