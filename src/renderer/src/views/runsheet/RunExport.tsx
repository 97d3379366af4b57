// "Export run": one run's whole record as JSON (runs.export, the same record a script gets), saved
// like the sheet's CSV: Electron's save dialog, a browser's download. A query, so read-only
// connections may export too.
import { FileJson } from 'lucide-react';
import { useState } from 'react';
import { useApi } from '../../api/client';
import { saveTextFile } from '../../api/files';
import { toError } from '../../api/result';
import { FormError } from '../../components/Field';
import styles from './runsheet.module.css';

export function RunExport({ runId, runNumber }: { runId: number; runNumber: number }) {
  const client = useApi();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  const exportRun = async () => {
    setMessage(undefined);
    setError(undefined);
    setPending(true);
    try {
      // One read at the click: the file is the record as it was then.
      const file = await client.call('runs.export', { id: runId });
      const result = await saveTextFile(file.fileName, `${JSON.stringify(file.record, null, 2)}\n`, 'application/json');
      if (result.saved) setMessage(`Exported ${result.path}`);
      else if (result.error) setError(result.error);
    } catch (caught) {
      setError(toError(caught).message);
    } finally {
      setPending(false);
    }
  };

  return (
    <div className={styles.toolbarEnd}>
      <span className={styles.status} role="status">
        {message}
      </span>
      <FormError message={error} />
      <button type="button" className="button-quiet" disabled={pending} onClick={() => void exportRun()}>
        <FileJson size={16} aria-hidden="true" />
        Export run {runNumber}
      </button>
    </div>
  );
}
