/**
 * Deploys of an app's own code (hooks/, migrations/) to a hosted instance: the bundle is
 * checked, stored under DATA_DIR/deploys/<instanceId>/ and an `instance.deploy` job queued; the
 * worker puts it into the instance's data dir and restarts it, rolling back when it does not start.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { PlatformConfig } from '@burrow/config';
import { checkBundle, DeployError } from '@burrow/contracts';
import type { JobProducer } from '@burrow/jobs';
import type { AuthContext } from '../auth/auth_context.js';
import { ApiError } from '../common/api_error.js';
import { CLOCK, CONFIG, JOBS, type Clock } from '../common/tokens.js';
import { InstancesService } from './instances.service.js';

/** What a queued deploy answers. */
export interface DeployQueued {
  deployId: string;
  jobId: string;
  files: number;
}

@Injectable()
export class DeployService {
  constructor(
    @Inject(InstancesService) private readonly instances: InstancesService,
    @Inject(JOBS) private readonly jobs: JobProducer,
    @Inject(CONFIG) private readonly config: PlatformConfig,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  /** Checks and stores the bundle, then queues its deploy. */
  async deploy(auth: AuthContext, id: string, body: unknown): Promise<DeployQueued> {
    // Platform policy first: code deployed to a plain process would not be confined to its instance.
    if (this.config.runtime === 'process' && !this.config.allowUnsandboxedCode) {
      throw ApiError.forbidden('Deploying code is not enabled on this platform: its instances run as plain processes, where the code would not be confined to its instance. The operator can run instances in containers (RUNTIME=docker), or allow it for trusted users (ALLOW_UNSANDBOXED_CODE=true).');
    }
    const row = await this.instances.owned(auth, id);
    if (row.status === 'deleting') throw ApiError.conflict('This instance is being deleted.');
    if (row.status === 'provisioning') throw ApiError.conflict('This instance is not ready yet.');
    let files: number;
    try {
      files = Object.keys(checkBundle(body).files).length;
    } catch (err) {
      if (!(err instanceof DeployError)) throw err;
      throw ApiError.badRequest('Failed to deploy.', { files: { code: 'validation_invalid_bundle', message: err.message } });
    }
    await this.jobs.requireAvailable();
    const deployId = `${this.now().getTime()}_${randomBytes(6).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 8)}`;
    const dir = join(this.config.deploysDir, row.id);
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${deployId}.json`);
    await writeFile(`${file}.part`, JSON.stringify({ files: (body as { files: Record<string, string> }).files }), { mode: 0o600 });
    await rename(`${file}.part`, file);
    try {
      const jobId = await this.jobs.enqueue('instance.deploy', { instanceId: row.id, deployId }, row.hostId);
      return { deployId, jobId, files };
    } catch (err) {
      await rm(file, { force: true });
      throw err;
    }
  }
}
