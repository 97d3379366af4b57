// Operations about the application itself.
import { defineHandlers } from './handler';

export const appHandlers = defineHandlers({
  'app.info': {
    reads: [],
    run: (_input, ctx) => ({
      version: ctx.app.version,
      schemaVersion: ctx.store.schemaVersion,
      readOnly: ctx.caller.readOnly,
      dataDir: ctx.app.dataDir,
    }),
  },
});
