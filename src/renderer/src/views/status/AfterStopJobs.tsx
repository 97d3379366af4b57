// The after-stop jobs not done yet (organizing a router's files, backing up a server's configs,
// making a run folder's manifest):
// what each is doing now (e.g. waiting for a router to finish writing), its tries and last
// failure, and "Try again" on a failed one. Shown only while there is such a job.
import { memo } from 'react';
import { CircleX, Hourglass, LoaderCircle } from 'lucide-react';
import type { Job } from '../../../../shared/api/contract';
import { useMutation, useSubscription } from '../../api/hooks';
import { READ_ONLY_REASON } from './rules';
import { StatusTable } from './StatusTable';
import styles from './status.module.css';
import { Refusal } from './Refusal';

const COLUMNS = ['Job', 'Run', 'Status', 'Tries', ''] as const;
const OPEN: readonly Job['status'][] = ['pending', 'running', 'failed'];
const JOB_NAMES: Record<Job['kind'], string> = { organize_files: 'Organize files', backup_configs: 'Back up configs', checksum_files: 'Make manifest' };

function JobState({ job }: { job: Job }) {
  if (job.status === 'failed') {
    return (
      <>
        <span className={`state ${styles.toneError}`}>
          <CircleX aria-hidden="true" size={16} />
          Failed
        </span>
        {job.lastError ? <div className={styles.sub}>{job.lastError}</div> : null}
      </>
    );
  }
  if (job.status === 'running') {
    return (
      <span className={`state ${styles.toneWarn}`}>
        <LoaderCircle aria-hidden="true" size={16} />
        {job.phase ? `Running: ${job.phase}` : 'Running'}
      </span>
    );
  }
  return (
    <span className={`state ${styles.toneMuted}`}>
      <Hourglass aria-hidden="true" size={16} />
      Pending
    </span>
  );
}

const JobRow = memo(function JobRow({ job, readOnly }: { job: Job; readOnly: boolean }) {
  const retry = useMutation('jobs.retry');
  const what = JOB_NAMES[job.kind];
  return (
    <tr>
      <th scope="row">
        <span className={styles.name}>{what}</span>
        <div className={`mono ${styles.sub}`}>{job.targetName}</div>
      </th>
      <td>{job.runNumber}</td>
      <td>
        <JobState job={job} />
      </td>
      <td>{job.attempts}</td>
      <td>
        {job.status === 'failed' ? (
          <button
            type="button"
            className={styles.stepButton}
            aria-label={`Try job #${job.id} (${what} of run ${job.runNumber} on ${job.targetName}) again`}
            disabled={readOnly || retry.pending}
            title={readOnly ? READ_ONLY_REASON : undefined}
            onClick={() => void retry.run({ id: job.id })}
          >
            Try again
          </button>
        ) : null}
        <Refusal error={retry.error} />
      </td>
    </tr>
  );
});

export function AfterStopJobs({ readOnly }: { readOnly: boolean }) {
  const jobs = useSubscription('jobs.list', {}).data;
  const open = (jobs ?? []).filter((job) => OPEN.includes(job.status));
  if (open.length === 0) return null;
  return (
    <StatusTable headingId="status-jobs-heading" title="After-stop jobs" count={open.length} columns={COLUMNS} empty="">
      {open.map((job) => (
        <JobRow key={job.id} job={job} readOnly={readOnly} />
      ))}
    </StatusTable>
  );
}
