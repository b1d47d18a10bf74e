/** How an instance row is shown to its owner. */
import type { PlatformConfig } from '@burrow/config';
import type { Instance, JobRun, Secret } from '@burrow/db';
import type { z } from 'zod';
import type { instanceViewSchema } from './instance_schemas.js';

/** The JSON of one instance. */
export type InstanceView = z.infer<typeof instanceViewSchema>;

/** The public URL of an instance: `http://<name>.<BASE_DOMAIN>[:<PROXY_PORT>]`. */
export function instanceUrl(config: PlatformConfig, name: string): string {
  return `http://${name}.${config.baseDomain}${config.proxyPort === 80 ? '' : `:${config.proxyPort}`}`;
}

/** Maps a row (with its secrets' names and last job) to the view. */
export function toInstanceView(config: PlatformConfig, row: Instance & { secrets: Pick<Secret, 'name'>[] }, job: JobRun | null): InstanceView {
  return {
    id: row.id,
    name: row.name,
    status: row.status as InstanceView['status'],
    statusReason: row.statusReason,
    power: row.power === 'off' ? 'off' : 'on',
    url: instanceUrl(config, row.name),
    secrets: row.secrets.map((s) => s.name).sort(),
    job: job && { id: job.id, name: job.name, state: job.state as 'queued', percent: job.percent, step: job.step, error: job.error },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
