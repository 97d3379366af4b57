// One run's whole record as a file (runs.export, issue 13): what an analyst needs months later
// without the application: its metadata and values, the checklist it was started with, what each
// ECC server was started with and whether a config file changed, its after-stop jobs, its shift
// notes, what the data flow read at its Stop, and each router's manifest of the files it wrote.
import type { RunExport } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { Store } from '../db/store';
import { findExperiment } from '../experiments/queries';
import { listJobsOfRun } from '../runs/jobs';
import { listRunManifests } from '../runs/manifests';
import { listNotesOfRun } from '../notes/queries';
import { nowIso } from '../time';
import { runFolderName } from '../worker-node/remote-paths';
import { listRunConfig } from './provenance';
import { findRun, listObservables } from './queries';

/** `verifying` says which run folders are being verified now (see runs.manifests). */
export function exportRun(store: Store, runId: number, verifying: (runId: number, dataRouterId: number) => boolean): { fileName: string; record: RunExport } {
  const run = findRun(store, runId);
  if (!run) throw new ApiError('NOT_FOUND', `There is no run with id ${runId}`, 'id');
  const experiment = findExperiment(store, run.experimentId);
  if (!experiment) throw new Error(`Experiment #${run.experimentId} of run #${run.id} is missing`);
  const manifests = listRunManifests(store, run, verifying);
  const record: RunExport = {
    format: 'attpc-daq-run-export/2',
    exportedAt: nowIso(),
    experiment: { id: experiment.id, name: experiment.name },
    run: {
      id: run.id,
      number: run.number,
      title: run.title,
      runClass: run.runClass,
      startTime: run.startTime,
      stopTime: run.stopTime,
      configName: run.configName,
      stopUnconfirmed: run.stopUnconfirmed,
      config: run.config,
    },
    values: listObservables(store, experiment.id).map((o) => ({
      observableId: o.id,
      observable: o.name,
      units: o.units,
      valueType: o.valueType,
      value: run.measurements[o.id] ?? null,
    })),
    startChecklist: run.startChecklist,
    provenance: listRunConfig(store, run.id),
    jobs: listJobsOfRun(store, run.id),
    notes: listNotesOfRun(store, experiment.id, run.number),
    dataFlow: run.dataFlow,
    manifests: { folders: manifests.manifests, unfinished: manifests.unfinished },
  };
  return { fileName: `${experiment.name}-${runFolderName(run.number)}.json`, record };
}
