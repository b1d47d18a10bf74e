/** PUT /api/instances/:id/deploy: the app's own code (hooks/, migrations/) for a hosted instance. */
import { Body, Controller, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { z } from 'zod';
import { CurrentAuth, type AuthContext } from '../auth/auth_context.js';
import { Route } from '../common/route_doc.js';
import { DeployService, type DeployQueued } from './deploy.service.js';

const bundleSchema = z.object({ files: z.record(z.string(), z.string()) });
const deployQueuedSchema = z.object({ deployId: z.string(), jobId: z.string(), files: z.number() });

@Controller('api/instances/:id/deploy')
export class DeployController {
  constructor(@Inject(DeployService) private readonly deploys: DeployService) {}

  /** Deploy a bundle. */
  @Put()
  @HttpCode(202)
  @Route({
    summary: 'Deploy the app\'s code: {"files": {"hooks/<name>.js": "...", "migrations/<ts>_<name>.js": "..."}} replaces its hooks/ and migrations/ (a job: the instance restarts onto it; one that does not start is rolled back and the job fails with the reason)',
    tag: 'instances', status: 202, body: bundleSchema, response: deployQueuedSchema,
  })
  deploy(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown): Promise<DeployQueued> {
    return this.deploys.deploy(auth, id, body);
  }
}
