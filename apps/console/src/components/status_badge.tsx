/** The coloured status of an instance. */
import type { InstanceStatus } from '../api/client';

const LABELS: Record<InstanceStatus, string> = {
  provisioning: 'Provisioning',
  running: 'Running',
  sleeping: 'Sleeping',
  stopped: 'Stopped',
  failed: 'Failed',
  deleting: 'Deleting',
};

/** A badge; `data-status` lets styles and tests find it. */
export function StatusBadge({ status }: { status: InstanceStatus }) {
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      {LABELS[status]}
    </span>
  );
}
