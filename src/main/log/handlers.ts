// Operations on the log (what the application saw happen) and the audit trail (what operators did).
import { defineHandlers } from '../api/handler';
import { resolveExperiment } from '../experiments/queries';
import { deleteLogEntries, listAuditEntries, listLogEntries, listLogSources } from './queries';

export const logHandlers = defineHandlers({
  'log.list': {
    reads: ['log_entry'],
    run: (input, { store }) => listLogEntries(store, input),
  },

  'log.sources': {
    reads: ['log_entry'],
    run: (_input, { store }) => listLogSources(store),
  },

  'log.clear': {
    run: (input, { store, auditTarget }) =>
      store.write(['log_entry'], () => {
        if (input.experimentId === undefined) return { deleted: deleteLogEntries(store) };
        const experiment = resolveExperiment(store, input.experimentId);
        auditTarget(`log of "${experiment.name}"`);
        return { deleted: deleteLogEntries(store, experiment.id) };
      }),
    describeTarget: (input) => (input.experimentId === undefined ? 'the whole log' : `log of experiment #${input.experimentId}`),
  },

  'audit.list': {
    reads: ['audit_entry'],
    run: (input, { store }) => listAuditEntries(store, input),
  },
});
