// The whole setup as a file: export saves the JSON document (Electron's save dialog, a download
// in a browser); import reads a chosen file, checks it with the same schema as the server, and
// replaces the setup after a confirmation.
import { useRef, useState, type ChangeEvent } from 'react';
import { Download, Upload } from 'lucide-react';
import { fromZodError } from '../../../../shared/api/errors';
import type { Setup } from '../../../../shared/domain';
import { setupDocument, type SetupDocument } from '../../../../shared/setup-document';
import { saveTextFile } from '../../api/files';
import { useMutation, useSubscription } from '../../api/hooks';
import { useReadOnly } from '../../state/app-store';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { FormError, FormSuccess } from '../../components/Field';
import { plural, setupCounts } from '../../components/counts';
import { formatDate, formatDateTime } from '../../components/time';

function contents(document: SetupDocument): string {
  return `${setupCounts(document)}, ${plural(document.observables.length, 'observable')}`;
}

/** A file name the experiment's name and the date make unique enough: `e20009-setup-2025-11-24.json`. */
function exportFileName(experiment: string): string {
  return `${experiment}-setup-${formatDate(new Date().toISOString())}.json`;
}

interface ChosenFile {
  name: string;
  /** The file's JSON, sent as it is: the server checks it again. */
  raw: unknown;
  document: SetupDocument;
}

export function ExportImportPanel({ setup }: { setup: Setup }) {
  const readOnly = useReadOnly();
  // Kept live, so the button saves what is on screen now, without waiting on a request.
  const exported = useSubscription('setup.export', { experimentId: setup.experiment.id });
  const importSetup = useMutation('setup.import');
  const fileInput = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<ChosenFile | undefined>(undefined);
  const [fileError, setFileError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    setChosen(undefined);
    setFileError(undefined);
    setDone(undefined);
    const file = event.target.files?.[0];
    if (!file) return;
    let raw: unknown;
    try {
      raw = JSON.parse(await file.text());
    } catch (error) {
      setFileError(`${file.name} is not a JSON file: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const parsed = setupDocument.safeParse(raw);
    if (!parsed.success) {
      setFileError(`${file.name} is not a setup this application can import: ${fromZodError(parsed.error).message}`);
      return;
    }
    setChosen({ name: file.name, raw, document: parsed.data });
  }

  function forget() {
    setChosen(undefined);
    if (fileInput.current) fileInput.current.value = '';
  }

  return (
    <section className="panel" aria-labelledby="export-import-heading">
      <h3 id="export-import-heading">Export and import</h3>
      <p className="panel-note">
        The setup as a file: ECC servers with their selected config sets, data routers, data sources and the run
        sheet's observables.
      </p>
      <div className="actions">
        <button
          type="button"
          disabled={!exported.data}
          onClick={() => {
            if (!exported.data) return;
            const document = { ...exported.data, exportedAt: new Date().toISOString() };
            setDone(undefined);
            setFileError(undefined);
            saveTextFile(exportFileName(setup.experiment.name), `${JSON.stringify(document, null, 2)}\n`, 'application/json').then(
              (result) => {
                if (result.saved) setDone(`Exported the setup of ${setup.experiment.name} as ${result.path}.`);
                else if (result.error) setFileError(result.error);
              },
              (error: unknown) => setFileError(error instanceof Error ? error.message : String(error)),
            );
          }}
        >
          <Download aria-hidden="true" size={16} /> Export setup
        </button>
      </div>
      <FormError message={exported.error ? `Cannot read the setup to export: ${exported.error.message}` : undefined} />

      <div className="field import-file">
        <label htmlFor="setup-import-file">Setup file to import</label>
        <input
          id="setup-import-file"
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          disabled={readOnly || importSetup.pending}
          aria-describedby={fileError ? 'setup-import-error' : undefined}
          onChange={(event) => void choose(event)}
        />
      </div>
      <FormError id="setup-import-error" message={fileError} />
      {chosen ? (
        <div className="import-summary">
          <p>
            <strong>{chosen.name}</strong>: the setup of {chosen.document.experiment.name}
            {chosen.document.exportedAt ? `, exported ${formatDateTime(chosen.document.exportedAt)}` : ''}:{' '}
            {contents(chosen.document)}.
          </p>
          <div className="actions">
            <ConfirmDialog
              trigger={
                <>
                  <Upload aria-hidden="true" size={16} /> Import…
                </>
              }
              triggerLabel={`Import ${chosen.name}`}
              disabled={readOnly}
              title={`Replace the setup of ${setup.experiment.name}?`}
              description={
                <>
                  <p>
                    Its {setupCounts(setup)} are replaced by those of {chosen.name} ({contents(chosen.document)}), all or
                    nothing.
                  </p>
                  <p>Observables the file names are added to the run sheet when missing; none are removed.</p>
                </>
              }
              confirm="Replace setup"
              destructive
              pending={importSetup.pending}
              error={importSetup.error?.message}
              onOpenChange={() => importSetup.reset()}
              onConfirm={async () => {
                const result = await importSetup.run({ experimentId: setup.experiment.id, document: chosen.raw as SetupDocument });
                if (!result) return false;
                setDone(`Imported ${chosen.name} into ${result.experiment.name}.`);
                forget();
                return true;
              }}
            />
            <button type="button" className="button-quiet" onClick={forget}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      <FormSuccess message={done} />
    </section>
  );
}
