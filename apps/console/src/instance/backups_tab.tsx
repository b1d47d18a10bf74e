/**
 * Backups: the schedule (cron with a readable preview, how many to keep, the next run),
 * continuous backup with restores to a point in time (point_in_time.tsx),
 * "back up now" with the job's progress, and the list with download, restore in place
 * (behind a confirmation; the current data is kept first as a backup to undo with), a copy
 * into a new instance, and delete.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Backup } from '../api/client';
import { ConfirmDialog } from '../components/confirm_dialog';
import { Field, FormError } from '../components/field';
import { JobProgress } from '../components/job_progress';
import { useFormAction, usePolling } from '../hooks';
import { useSession } from '../session';
import { navigate } from '../router';
import { describeCron } from './cron_text';
import { PointInTimeCard } from './point_in_time';
import type { TabProps } from './tabs';

const sizeText = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);
const timeText = (iso: string) => new Date(iso).toLocaleString();
const BACKUP_JOBS = new Set(['instance.backup', 'instance.restore']);

/** The backups tab. */
export function BackupsTab({ instance, refresh }: TabProps) {
  const { api } = useSession();
  const working = instance.job && BACKUP_JOBS.has(instance.job.name) && (instance.job.state === 'queued' || instance.job.state === 'active');
  const list = usePolling(`backups:${instance.id}`, (signal) => api.backups(instance.id, signal), working ? 1500 : 0);
  const schedule = usePolling(`backup-schedule:${instance.id}`, (signal) => api.backupSchedule(instance.id, signal), 0);
  const [cron, setCron] = useState<string | undefined>(undefined);
  const [keep, setKeep] = useState<string | undefined>(undefined);
  const [submitted, setSubmitted] = useState<string | undefined>(undefined);
  const [restoring, setRestoring] = useState<Backup | undefined>(undefined);
  const [deleting, setDeleting] = useState<Backup | undefined>(undefined);
  const [copying, setCopying] = useState<Backup | undefined>(undefined);
  const [copyName, setCopyName] = useState('');
  // A job that ends between two polls may have added (a restore's undo and point-in-time
  // archives) or finished an archive: read the list once more when it is over.
  const wasWorking = useRef(Boolean(working));
  const refreshList = list.refresh;
  useEffect(() => {
    if (wasWorking.current && !working) void refreshList();
    wasWorking.current = Boolean(working);
  }, [working, refreshList]);
  const save = useFormAction();
  const now = useFormAction();
  const dialog = useFormAction();
  const fetching = useFormAction();

  const cronValue = cron ?? schedule.data?.cron ?? '';
  const keepValue = keep ?? String(schedule.data?.keep ?? 7);
  const preview = describeCron(cronValue);
  const reload = () => Promise.all([list.refresh(), refresh()]).then(() => undefined);

  const saveSchedule = (event: FormEvent, remove = false) => {
    event.preventDefault();
    setSubmitted(cronValue);
    void save.run(async () => {
      await api.setBackupSchedule(instance.id, remove || cronValue.trim() === '' ? null : cronValue.trim(), Number(keepValue) || 7);
      setCron(undefined);
      setKeep(undefined);
      await schedule.refresh();
    });
  };

  const download = async (b: Backup) => {
    const blob = await api.downloadBackup(instance.id, b.name);
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = b.name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  // An error belongs to the value it was given for: editing the expression clears it.
  const cronError = cronValue === submitted ? save.failure?.field('cron') : undefined;
  return (
    <>
      <section className="card">
        <h2>Schedule</h2>
        <p>Backups run on this schedule whether the instance is awake or asleep, without waking it. Times are UTC.</p>
        <form onSubmit={(e) => saveSchedule(e)} noValidate className="form">
          <Field label="Cron expression" value={cronValue} onChange={(e) => setCron(e.target.value)} placeholder="0 3 * * *" autoComplete="off" spellCheck={false}
            error={cronError} ok={!cronError && cronValue.trim() ? preview : undefined} hint={cronValue.trim() ? undefined : 'For example 0 3 * * * (every day at 03:00) or @daily. Empty: no schedule.'} />
          <Field label="Scheduled backups to keep" type="number" min={1} max={100} value={keepValue} onChange={(e) => setKeep(e.target.value)} error={save.failure?.field('keep')} />
          <p className="muted" data-testid="next-backup">{schedule.data?.next ? `Next backup: ${timeText(schedule.data.next)}` : 'No backup is scheduled.'}</p>
          <FormError message={save.failure && !save.failure.field('cron') && !save.failure.field('keep') ? save.failure.message : undefined} />
          <div className="actions">
            <button type="submit" className="button-primary" disabled={save.busy}>Save schedule</button>
            {schedule.data?.cron && <button type="button" className="button-small" disabled={save.busy} onClick={(e) => saveSchedule(e as unknown as FormEvent, true)}>Remove schedule</button>}
          </div>
        </form>
      </section>
      <PointInTimeCard instance={instance} busy={Boolean(working)} onQueued={reload} />
      <section className="card">
        <h2>Backups</h2>
        <div className="actions">
          <button type="button" className="button-primary" disabled={now.busy || Boolean(working) || instance.status === 'provisioning' || instance.status === 'deleting'}
            onClick={() => void now.run(async () => { await api.backupNow(instance.id); await reload(); })}>Back up now</button>
        </div>
        <FormError message={now.failure?.message ?? fetching.failure?.message} />
        {working && instance.job && <JobProgress job={instance.job} label={instance.job.name === 'instance.restore' ? 'Restoring' : 'Backing up'} />}
        {list.error && !list.error.offline && <p className="form-error" role="alert">{list.error.message}</p>}
        {list.data && list.data.length === 0 && <p className="muted">No backups yet.</p>}
        {list.data && list.data.length > 0 && (
          <table className="table" aria-label="Backups">
            <thead><tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Taken</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {list.data.map((b) => (
                <tr key={b.name} data-backup={b.name}>
                  <td>{b.name}</td>
                  <td>{sizeText(b.size)}</td>
                  <td>{timeText(b.createdAt)}</td>
                  <td className="row-actions">
                    <button type="button" className="button-small" aria-label={`Download ${b.name}`} disabled={fetching.busy} onClick={() => void fetching.run(() => download(b))}>Download</button>
                    <button type="button" className="button-small" aria-label={`Restore ${b.name}`} disabled={Boolean(working)} onClick={() => setRestoring(b)}>Restore</button>
                    <button type="button" className="button-small" aria-label={`Copy ${b.name} to a new instance`} onClick={() => { setCopyName(`${instance.name}-copy`); setCopying(b); }}>Copy to new</button>
                    <button type="button" className="button-small button-danger" aria-label={`Delete ${b.name}`} onClick={() => setDeleting(b)}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <ConfirmDialog open={Boolean(restoring)} title={`Restore ${restoring?.name ?? ''}?`} confirmLabel="Restore" danger busy={dialog.busy} error={dialog.failure?.message}
        onClose={() => setRestoring(undefined)}
        onConfirm={() => void dialog.run(async () => {
          if (!restoring) return;
          await api.restoreBackup(instance.id, restoring.name);
          setRestoring(undefined);
          await reload();
        })}>
        <p>The instance stops briefly and comes back with the data of this backup. Its current data is kept first as a new backup (pre_restore_...): restore that one to undo.</p>
      </ConfirmDialog>
      <ConfirmDialog open={Boolean(copying)} title={`New instance from ${copying?.name ?? ''}`} confirmLabel="Create instance" busy={dialog.busy}
        error={dialog.failure ? dialog.failure.field('name') ?? dialog.failure.message : undefined}
        onClose={() => setCopying(undefined)}
        onConfirm={() => void dialog.run(async () => {
          if (!copying) return;
          const created = await api.restoreBackupAsNew(instance.id, copying.name, copyName.trim());
          setCopying(undefined);
          navigate(`/instances/${created.id}`);
        })}>
        <p>A new instance with the data of this backup; this one is not touched.</p>
        <Field label="Name of the new instance" value={copyName} onChange={(e) => setCopyName(e.target.value.toLowerCase())} autoComplete="off" spellCheck={false} />
      </ConfirmDialog>
      <ConfirmDialog open={Boolean(deleting)} title={`Delete ${deleting?.name ?? ''}?`} confirmLabel="Delete backup" danger busy={dialog.busy} error={dialog.failure?.message}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => void dialog.run(async () => {
          if (!deleting) return;
          await api.deleteBackup(instance.id, deleting.name);
          setDeleting(undefined);
          await list.refresh();
        })}>
        <p>This archive is deleted for good.</p>
      </ConfirmDialog>
    </>
  );
}
