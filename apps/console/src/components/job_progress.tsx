/** The progress of an instance's job (provision, power, delete) as a bar and its current step. */
import type { JobView } from '../api/client';

/** A labelled progress bar. */
export function JobProgress({ job, label }: { job: JobView; label: string }) {
  const failed = job.state === 'failed';
  return (
    <div className={`job${failed ? ' job-failed' : ''}`}>
      <div className="job-head">
        <span>{label}</span>
        <span>{Math.round(job.percent)}%</span>
      </div>
      <progress max={100} value={job.percent} aria-label={label} />
      <p className="job-step" aria-live="polite">
        {failed ? `Failed: ${job.error ?? job.step}` : job.step}
      </p>
    </div>
  );
}
