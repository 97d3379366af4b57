// What a newcomer sees on an empty database: the demo (simulated hardware on this computer) or
// a real experiment of their own.
import { useMutation, useSubscription } from '../api/hooks';
import { useReadOnly } from '../state/app-store';

export function Welcome({ onCreateOwn }: { onCreateOwn: () => void }) {
  const readOnly = useReadOnly();
  const demo = useMutation('demo.create');
  const { data: demoStatus } = useSubscription('demo.status', {});
  const formError = demo.error?.message;
  return (
    <section className="welcome" aria-labelledby="welcome-status-heading">
      <h2 id="welcome-status-heading">No experiment yet</h2>
      <p>
        The demo runs four CoBos and a MuTAnT on simulated ECC servers, with a simulated worker computer writing data
        files, all on this computer: the whole shift works on it, and nothing outside is contacted.
      </p>
      <div className="welcome-actions">
        <button type="button" disabled={readOnly || demo.pending} onClick={() => void demo.run({})}>
          {demo.pending ? 'Starting the demo…' : 'Open the demo'}
        </button>
        <button type="button" onClick={onCreateOwn}>
          Set up an experiment
        </button>
      </div>
      {formError ? (
        <p className="form-error" role="alert">
          {formError}
        </p>
      ) : null}
      {demoStatus?.problem ? (
        <p className="form-error" role="alert">
          The demo cannot run: {demoStatus.problem}
        </p>
      ) : null}
    </section>
  );
}
