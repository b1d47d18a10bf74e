/**
 * Read replicas (LiteFS): the instance's nodes with role, status, lag and health; add a replica
 * (the first one moves the database into LiteFS, restarting the instance once) with the job's
 * progress; remove one behind a confirmation. Reads are spread over healthy replicas, writes go
 * to the primary, and a client always reads its own writes.
 */
import { useEffect, useRef, useState } from 'react';
import type { ReplicaNode } from '../api/client';
import { ConfirmDialog } from '../components/confirm_dialog';
import { FormError } from '../components/field';
import { JobProgress } from '../components/job_progress';
import { useFormAction, usePolling } from '../hooks';
import { useSession } from '../session';
import type { TabProps } from './tabs';

const REPLICA_JOBS = new Set(['replica.add', 'replica.remove']);

/** How a node is doing, in words. */
function health(node: ReplicaNode): string {
  if (node.status === 'provisioning') return 'Starting';
  if (node.status === 'deleting') return 'Removing';
  if (node.lagMs === null) return 'Down';
  return node.healthy ? 'Healthy' : 'Behind';
}

const lagText = (node: ReplicaNode) => (node.lagMs === null ? '—' : node.role === 'primary' ? '—' : `${node.lagMs} ms`);

/** The replicas tab. */
export function ReplicasTab({ instance, refresh }: TabProps) {
  const { api } = useSession();
  const working = instance.job && REPLICA_JOBS.has(instance.job.name) && (instance.job.state === 'queued' || instance.job.state === 'active');
  const view = usePolling(`replicas:${instance.id}`, (signal) => api.replicas(instance.id, signal), working ? 1000 : 3000);
  const [removing, setRemoving] = useState<ReplicaNode | undefined>(undefined);
  const add = useFormAction();
  const dialog = useFormAction();
  // The list once more when a job ends between two polls.
  const wasWorking = useRef(Boolean(working));
  const refreshView = view.refresh;
  useEffect(() => {
    if (wasWorking.current && !working) void refreshView();
    wasWorking.current = Boolean(working);
  }, [working, refreshView]);

  const reload = () => Promise.all([view.refresh(), refresh()]).then(() => undefined);
  const data = view.data;
  const full = data ? data.quota.used >= data.quota.limit : false;
  const job = instance.job && REPLICA_JOBS.has(instance.job.name) ? instance.job : undefined;
  return (
    <>
      <section className="card">
        <h2>Read replicas</h2>
        <p>
          Replicas serve reads next to the primary, which takes every write; a client always reads its own writes. The first replica moves the database into
          LiteFS, which restarts the instance once. Replicated instances do not sleep.
        </p>
        {data && (
          <p className="muted" data-testid="replica-quota">
            {data.quota.limit === 0 ? 'Read replicas are not enabled for your account.' : `You use ${data.quota.used} of ${data.quota.limit} replicas.`} Replicas more than {data.maxLagMs} ms behind get no reads.
          </p>
        )}
        <div className="actions">
          <button type="button" className="button-primary" disabled={add.busy || Boolean(working) || instance.status !== 'running' || full}
            onClick={() => void add.run(async () => { await api.addReplica(instance.id); await reload(); })}>Add a replica</button>
        </div>
        {instance.status !== 'running' && <p className="muted">Replicas are added to a running instance.</p>}
        <FormError message={add.failure ? Object.values(add.failure.fields)[0]?.message ?? add.failure.message : undefined} />
        {job && (working || job.state === 'failed') && <JobProgress job={job} label={job.name === 'replica.add' ? 'Adding a replica' : 'Removing a replica'} />}
      </section>
      <section className="card">
        <h2>Nodes</h2>
        {view.error && !view.error.offline && <p className="form-error" role="alert">{view.error.message}</p>}
        {data && data.nodes.length === 0 && <p className="muted">This instance has one node and no replicas.</p>}
        {data && data.nodes.length > 0 && (
          <table className="table" aria-label="Nodes">
            <thead><tr><th scope="col">Node</th><th scope="col">Role</th><th scope="col">Lag</th><th scope="col">Health</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {data.nodes.map((n) => (
                <tr key={n.id} data-node={n.id}>
                  <td>{n.id}</td>
                  <td>{n.role === 'primary' ? 'Primary' : 'Replica'}</td>
                  <td>{lagText(n)}</td>
                  <td title={n.statusReason ?? undefined}>{health(n)}{n.status === 'failed' && n.statusReason ? `: ${n.statusReason.split('\n')[0]}` : ''}</td>
                  <td className="row-actions">
                    {n.role === 'replica' && n.status !== 'deleting' && (
                      <button type="button" className="button-small button-danger" aria-label={`Remove ${n.id}`} disabled={Boolean(working)} onClick={() => setRemoving(n)}>Remove</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <ConfirmDialog open={Boolean(removing)} title={`Remove ${removing?.id ?? ''}?`} confirmLabel="Remove" danger busy={dialog.busy} error={dialog.failure?.message}
        onClose={() => setRemoving(undefined)}
        onConfirm={() => void dialog.run(async () => {
          if (!removing) return;
          await api.removeReplica(instance.id, removing.id);
          setRemoving(undefined);
          await reload();
        })}>
        <p>The replica stops and its copy of the database is deleted. The primary and the other replicas keep serving.</p>
      </ConfirmDialog>
    </>
  );
}
