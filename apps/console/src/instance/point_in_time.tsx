/**
 * Continuous backup on the Backups tab: turn it on or off (a running instance restarts), and
 * when it holds data, pick a moment inside the restorable span (local time, to the second)
 * and restore it in place (behind a confirmation naming the undo) or copy it into a new
 * instance. The database comes back as of that moment; files stay as they are now.
 */
import { useState } from 'react';
import { ConfirmDialog } from '../components/confirm_dialog';
import { Field, FormError } from '../components/field';
import { useFormAction, usePolling } from '../hooks';
import { navigate } from '../router';
import { useSession } from '../session';
import type { TabProps } from './tabs';

/** `YYYY-MM-DDTHH:MM:SS` in local time: what a datetime-local input takes. */
function localInputValue(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The continuous backup card; `busy`: a backup or restore job runs. */
export function PointInTimeCard({ instance, busy, onQueued }: Pick<TabProps, 'instance'> & { busy: boolean; onQueued: () => Promise<void> }) {
  const { api } = useSession();
  const state = usePolling(`continuous-backup:${instance.id}`, (signal) => api.continuousBackup(instance.id, signal), 5_000);
  const [moment, setMoment] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const [copying, setCopying] = useState(false);
  const [copyName, setCopyName] = useState('');
  const toggle = useFormAction();
  const dialog = useFormAction();
  const cb = state.data;
  const value = moment ?? (cb?.latest ? localInputValue(cb.latest) : '');
  // The input is local time; the API takes an absolute time.
  const chosen = value ? new Date(value) : undefined;
  const chosenIso = chosen && !Number.isNaN(chosen.getTime()) ? chosen.toISOString() : undefined;
  const outside = Boolean(chosenIso && cb?.earliest && (chosenIso < cb.earliest || chosen!.getTime() > Date.now() + 60_000));

  return (
    <section className="card" aria-labelledby="pitr-title">
      <h2 id="pitr-title">Point in time</h2>
      <p>
        Continuous backup ships every change of the database within a second (Litestream), so the instance can go back to any moment of the
        last {cb?.retentionHours ?? 72} hours. Files are not versioned: a restore keeps today's files.
      </p>
      {cb && (
        <div className="actions">
          <button type="button" className={cb.enabled ? 'button-small' : 'button-primary'} disabled={toggle.busy || instance.status === 'provisioning' || instance.status === 'deleting'}
            onClick={() => void toggle.run(async () => { await api.setContinuousBackup(instance.id, !cb.enabled); await state.refresh(); await onQueued(); })}>
            {cb.enabled ? 'Turn off continuous backup' : 'Turn on continuous backup'}
          </button>
          <span className="muted" data-testid="continuous-state">{cb.enabled ? `On (${cb.storage === 's3' ? 'S3-compatible store' : 'platform disk'})` : 'Off'}</span>
        </div>
      )}
      <FormError message={toggle.failure?.message} />
      {cb?.enabled && !cb.earliest && <p className="muted">Replicating: the first restorable moment appears within seconds of the instance running.</p>}
      {cb?.earliest && cb.latest && (
        <>
          <p className="muted" data-testid="pitr-span">Restorable from {new Date(cb.earliest).toLocaleString()} to {new Date(cb.latest).toLocaleString()}.</p>
          <Field label="Restore to (your local time)" type="datetime-local" step={1} value={value} onChange={(e) => setMoment(e.target.value)}
            min={localInputValue(cb.earliest)} error={outside ? 'This moment is outside the restorable span.' : undefined} />
          <div className="actions">
            <button type="button" className="button-primary" disabled={busy || !chosenIso || outside} onClick={() => setConfirming(true)}>Restore to this moment</button>
            <button type="button" className="button-small" disabled={!chosenIso || outside} onClick={() => { setCopyName(`${instance.name}-copy`); setCopying(true); }}>Copy to a new instance</button>
          </div>
        </>
      )}
      <ConfirmDialog open={confirming} title="Restore to this moment?" confirmLabel="Restore" danger busy={dialog.busy} error={dialog.failure?.field('time') ?? dialog.failure?.message}
        onClose={() => setConfirming(false)}
        onConfirm={() => void dialog.run(async () => {
          if (!chosenIso) return;
          await api.restorePointInTime(instance.id, chosenIso);
          setConfirming(false);
          await onQueued();
        })}>
        <p>The instance stops briefly and comes back with its database as of {chosen?.toLocaleString()}. Its current data is kept first as a backup (pre_restore_...): restore that one to undo.</p>
      </ConfirmDialog>
      <ConfirmDialog open={copying} title="New instance from this moment" confirmLabel="Create instance" busy={dialog.busy}
        error={dialog.failure ? dialog.failure.field('name') ?? dialog.failure.field('time') ?? dialog.failure.message : undefined}
        onClose={() => setCopying(false)}
        onConfirm={() => void dialog.run(async () => {
          if (!chosenIso) return;
          const created = await api.restorePointInTimeAsNew(instance.id, chosenIso, copyName.trim());
          setCopying(false);
          navigate(`/instances/${created.id}`);
        })}>
        <p>A new instance with this one's database as of {chosen?.toLocaleString()}; this one is not touched.</p>
        <Field label="Name of the new instance" value={copyName} onChange={(e) => setCopyName(e.target.value.toLowerCase())} autoComplete="off" spellCheck={false} />
      </ConfirmDialog>
    </section>
  );
}
