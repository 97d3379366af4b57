// Operations on the log (what the application saw happen) and the audit trail (what operators did).
import type { ParsedInputOf } from '../../shared/api/contract';
import { defineHandlers } from '../api/handler';
import { resolveExperiment } from '../experiments/queries';
import { auditTargets } from '../setup/audit-target';
import { deleteLogEntries, listAuditEntries, listLogEntries, listLogSources } from './queries';

const logCleared = auditTargets<ParsedInputOf<'log.clear'>>((input) =>
  input.experimentId === undefined ? 'the whole log' : `log of experiment #${input.experimentId}`,
);

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
    run: (input, { store }) =>
      store.write(['log_entry'], () => {
        if (input.experimentId === undefined) return { deleted: deleteLogEntries(store) };
        const experiment = resolveExperiment(store, input.experimentId);
        logCleared.remember(input, `log of "${experiment.name}"`);
        return { deleted: deleteLogEntries(store, experiment.id) };
      }),
    auditTarget: logCleared.target,
  },

  'audit.list': {
    reads: ['audit_entry'],
    run: (input, { store }) => listAuditEntries(store, input),
  },
});
