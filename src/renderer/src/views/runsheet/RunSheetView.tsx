// The electronic run sheet of the active experiment: every run (newest first) with its
// measurements and, under it, its shift notes; the form of the selected run, the observables
// (the sheet's columns), two runs' configs compared, a plot of one numeric observable against run
// number, and the CSV export. Everything is a live subscription; a read-only connection sees it all and can change
// nothing. A push hands back the runs and observables it did not change as the same objects
// (useSubscription), so the memoized table, form, observables and plot skip what did not change.
import { useCallback, useMemo, useState } from 'react';
import type { Run, ShiftNote } from '../../../../shared/domain';
import { useSubscription } from '../../api/hooks';
import { useReadOnly } from '../../state/app-store';
import { FormError } from '../../components/Field';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { plural } from '../../components/counts';
import { CsvExport } from './CsvExport';
import { MeasurementPlot } from './MeasurementPlot';
import { ObservablesPanel } from './ObservablesPanel';
import { RunCompare } from './RunCompare';
import { RunEditor } from './RunEditor';
import { RunTable } from './RunTable';
import styles from './runsheet.module.css';

export function RunSheetView() {
  const { data: sheet, error, loading } = useSubscription('runSheet.get', {});
  const { data: runStatus } = useSubscription('runs.status', {});
  const readOnly = useReadOnly();
  const [selectedRunId, setSelectedRunId] = useState<number | null>(null);
  // Another run picked while the form holds unsaved changes: asked about first.
  const [editorDirty, setEditorDirty] = useState(false);
  const [leavingFor, setLeavingFor] = useState<Run | null>(null);
  // Two runs whose comparison was asked for from a run's "config changed" (a new object each time).
  const [compareRequest, setCompareRequest] = useState<{ a: number; b: number } | null>(null);
  const onCompare = useCallback((a: number, b: number) => setCompareRequest({ a, b }), []);

  const runs = sheet?.runs;
  const runsNewestFirst = useMemo(() => [...(runs ?? [])].sort((a, b) => b.number - a.number), [runs]);
  const notes = sheet?.notes;
  const notesByRun = useMemo(() => {
    const byRun = new Map<number, ShiftNote[]>();
    for (const note of notes ?? []) {
      if (note.runNumber === null) continue;
      const ofRun = byRun.get(note.runNumber);
      if (ofRun) ofRun.push(note);
      else byRun.set(note.runNumber, [note]);
    }
    return byRun;
  }, [notes]);
  const onDirtyChange = useCallback((dirty: boolean, runId: number) => {
    setEditorDirty(dirty);
    // The form follows the newest run until something is typed into it: then it stays on its
    // run, even when Start all records a newer one meanwhile.
    if (dirty) setSelectedRunId((id) => id ?? runId);
  }, []);
  const onSelect = useCallback(
    (run: Run) => {
      if (editorDirty && run.id !== selectedRunId) setLeavingFor(run);
      else setSelectedRunId(run.id);
    },
    [editorDirty, selectedRunId],
  );

  if (loading) return <p className="loading">Loading the run sheet…</p>;
  if (!sheet) {
    return (
      <section className={styles.view} aria-labelledby="runsheet-heading">
        <h2 id="runsheet-heading">Run sheet</h2>
        <FormError message={error?.message} />
        {error ? null : <p className="muted">No experiment yet: create one under Setup.</p>}
      </section>
    );
  }

  // The newest run until someone picks another (and again when the picked one is gone).
  const selected = runsNewestFirst.find((run) => run.id === selectedRunId) ?? runsNewestFirst[0];
  const previous = selected ? runsNewestFirst.find((run) => run.number < selected.number) : undefined;
  const currentRunId = runStatus?.experimentId === sheet.experiment.id ? (runStatus.currentRun?.id ?? null) : null;
  const runCount = sheet.runs.length;

  return (
    <section className={styles.view} aria-labelledby="runsheet-heading">
      <div className={styles.toolbar}>
        <h2 id="runsheet-heading">Run sheet of {sheet.experiment.name}</h2>
        <span className={styles.count}>
          {plural(runCount, 'run')}
          {currentRunId !== null ? ' · a run is going' : ''}
        </span>
        <CsvExport />
      </div>
      {/* A refresh that failed keeps the last good sheet on screen, with the reason. */}
      <FormError message={error?.message} />
      <RunTable
        experimentName={sheet.experiment.name}
        runs={runsNewestFirst}
        observables={sheet.observables}
        currentRunId={currentRunId}
        selectedRunId={selected?.id ?? null}
        onSelect={onSelect}
        notesByRun={notesByRun}
      />
      <div className={styles.columns}>
        {selected ? (
          <RunEditor
            // A fresh form per run: nothing typed for one run may end up in another.
            key={selected.id}
            run={selected}
            previousRun={previous}
            observables={sheet.observables}
            isCurrent={selected.id === currentRunId}
            readOnly={readOnly}
            onDirtyChange={onDirtyChange}
            onCompare={onCompare}
          />
        ) : (
          <section className="panel" aria-label="Run values">
            <p className="muted">No runs yet. Runs are recorded by Start all; their values are entered here.</p>
          </section>
        )}
        <ObservablesPanel observables={sheet.observables} runs={sheet.runs} readOnly={readOnly} />
      </div>
      <RunCompare runs={runsNewestFirst} selected={selected} previous={previous} request={compareRequest} />
      <MeasurementPlot runs={sheet.runs} observables={sheet.observables} />
      <ConfirmDialog
        open={leavingFor !== null}
        onOpenChange={(open) => (open ? undefined : setLeavingFor(null))}
        title={`Discard the changes to run ${selected?.number ?? ''}?`}
        description={<p>The values typed for run {selected?.number} have not been saved with Update values.</p>}
        confirm={`Discard and open run ${leavingFor?.number ?? ''}`}
        destructive
        onConfirm={() => {
          if (leavingFor) setSelectedRunId(leavingFor.id);
          setLeavingFor(null);
        }}
      />
    </section>
  );
}
