// Operations on the ECC servers: live status, refresh, steps on one or all servers, Bring all
// to Ready, config sets. Mutations check and start the work, then answer at once.
import { ApiError } from '../../../shared/api/errors';
import { defineHandlers } from '../../api/handler';
import { findActiveExperiment } from '../../experiments/queries';
import type { EccControl } from './control';
import { statusOf } from './control';
import { EccStatusBoard } from './status';

/** Where the ECC work is not running (a bare API over a database, as in some tests). */
function notRunning(): never {
  throw new ApiError('REFUSED', 'ECC control is not running in this process');
}

export function eccControlHandlers(control: EccControl | null) {
  const idleBoard = new EccStatusBoard(() => {});
  const need = (): EccControl => control ?? notRunning();
  return defineHandlers({
    'ecc.status': {
      reads: ['ecc_status', 'experiment', 'ecc_server', 'data_source'],
      run: (_input, { store }) => (control ? control.snapshot() : statusOf(store, idleBoard, findActiveExperiment(store))),
    },
    'ecc.refresh': {
      run: (input, { auditTarget }) => {
        const started = need().requestRefresh(input.eccServerId);
        auditTarget(started.started);
        return started;
      },
    },
    'ecc.step': {
      run: (input, { auditTarget }) => {
        auditTarget(`ECC server #${input.eccServerId}: ${input.step}`);
        const started = need().requestStep(input.eccServerId, input.step);
        auditTarget(started.started);
        return started;
      },
    },
    'ecc.stepAll': {
      run: (input, { auditTarget }) => {
        auditTarget(`${input.step} all`);
        return need().requestStepAll(input.step);
      },
    },
    'ecc.reset': {
      run: (input, { auditTarget }) => {
        auditTarget(`ECC server #${input.eccServerId}: one step back`);
        const started = need().requestReset(input.eccServerId);
        auditTarget(started.started);
        return started;
      },
    },
    'ecc.resetAll': {
      run: (_input, { auditTarget }) => {
        auditTarget('Reset all');
        const started = need().requestResetAll();
        auditTarget(started.started);
        return started;
      },
    },
    'ecc.bringAllToReady': {
      run: (_input, { auditTarget }) => {
        auditTarget('Bring all to Ready');
        return need().requestBringAllToReady();
      },
    },
    'configSets.refresh': {
      run: (input, { auditTarget }) => {
        auditTarget(`config sets of ECC server #${input.eccServerId}`);
        const started = need().requestConfigSetsRefresh(input.eccServerId);
        auditTarget(started.started);
        return started;
      },
    },
    'configSets.select': {
      run: (input, { auditTarget }) => {
        auditTarget(`config set #${input.id}`);
        const { server, label } = need().selectConfigSet(input.id);
        auditTarget(`config set ${label} (#${input.id})`);
        return server;
      },
    },
  });
}
