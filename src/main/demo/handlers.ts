// Operations on the demo: whether it exists and runs, and making it the active experiment.
import { ApiError } from '../../shared/api/errors';
import { defineHandlers } from '../api/handler';
import type { Demo } from './demo';

export function demoHandlers(demo: Demo | null, afterCreate?: (experimentId: number) => void) {
  const need = () => {
    if (!demo) throw new ApiError('REFUSED', 'The demo runs only in the application itself, not in this process');
    return demo;
  };
  return defineHandlers({
    'demo.status': {
      reads: ['demo', 'demo_status', 'experiment'],
      run: () => demo?.status() ?? { experimentId: null, running: false, problem: null, workerRoot: null },
    },
    'demo.create': {
      describeTarget: () => 'the demo experiment',
      run: async (_input, { auditTarget }) => {
        const experiment = await need().create();
        auditTarget(`the demo experiment "${experiment.name}" (#${experiment.id})`);
        afterCreate?.(experiment.id);
        return experiment;
      },
    },
  });
}
