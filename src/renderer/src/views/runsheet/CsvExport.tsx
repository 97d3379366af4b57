// "Export CSV": the server writes the sheet as CSV (runSheet.exportCsv, the same text a script
// gets); Electron saves it through the system's save dialog, a browser downloads it.
import { Download } from 'lucide-react';
import { useState } from 'react';
import { useApi } from '../../api/client';
import { saveTextFile } from '../../api/files';
import { toError } from '../../api/result';
import { FormError } from '../../components/Field';
import styles from './runsheet.module.css';

export function CsvExport() {
  const client = useApi();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  const exportCsv = async () => {
    setMessage(undefined);
    setError(undefined);
    setPending(true);
    try {
      // One read, not a subscription: the file is what the sheet was at the click.
      const file = await client.call('runSheet.exportCsv', {});
      const result = await saveTextFile(file.fileName, file.csv, 'text/csv');
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
      <button type="button" className="button-quiet" disabled={pending} onClick={() => void exportCsv()}>
        <Download size={16} aria-hidden="true" />
        Export CSV
      </button>
    </div>
  );
}
