/** /api/instances/:id/replicas: LiteFS read replicas of an instance (DESIGN.md §4, §6). */
import { Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { CurrentAuth, type AuthContext } from '../auth/auth_context.js';
import { Route } from '../common/route_doc.js';
import { ReplicasService, type ReplicaQueued, type ReplicasView } from './replicas.service.js';

const nodeViewSchema = z.object({
  id: z.string(),
  role: z.enum(['primary', 'replica']),
  status: z.string(),
  statusReason: z.string().nullable(),
  healthy: z.boolean(),
  lagMs: z.number().nullable(),
  txid: z.number().nullable(),
  createdAt: z.string(),
});
const replicasViewSchema = z.object({
  replicated: z.boolean(),
  quota: z.object({ used: z.number(), limit: z.number() }),
  maxLagMs: z.number(),
  nodes: z.array(nodeViewSchema),
});
const replicaQueuedSchema = z.object({ node: nodeViewSchema, jobId: z.string() });

@Controller('api/instances/:id/replicas')
export class ReplicasController {
  constructor(@Inject(ReplicasService) private readonly replicas: ReplicasService) {}

  /** The nodes. */
  @Get()
  @Route({ summary: 'The instance\'s LiteFS nodes (primary first) with role, lag and health, and your replica quota', tag: 'replicas', response: replicasViewSchema })
  list(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<ReplicasView> {
    return this.replicas.list(auth, id);
  }

  /** Add one. */
  @Post()
  @HttpCode(202)
  @Route({
    summary: 'Add a read replica (a job: the first one moves the database into LiteFS, restarting the instance once; the job ends when the replica has caught up)',
    tag: 'replicas', status: 202, response: replicaQueuedSchema,
  })
  add(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<ReplicaQueued> {
    return this.replicas.add(auth, id);
  }

  /** Remove one. */
  @Delete(':rid')
  @HttpCode(202)
  @Route({ summary: 'Remove a read replica (a job; the primary keeps serving)', tag: 'replicas', status: 202, response: replicaQueuedSchema })
  remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Param('rid') rid: string): Promise<ReplicaQueued> {
    return this.replicas.remove(auth, id, rid);
  }
}
