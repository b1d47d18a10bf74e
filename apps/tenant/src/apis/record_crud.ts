/** /api/collections/{collection}/records routes. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { uploadAllowance } from '../core/record_files.js';
import { checkCollectionRateLimit } from './rate_limit.js';
import { BODY_LIMIT, disposeBody, readBody } from './body.js';
import { requestInfo, sendJSON } from './context.js';
import type { ActionResult, RecordActionInput } from './record_actions.js';
import { createAction, deleteAction, listAction, updateAction, viewAction } from './record_actions.js';

type Params = { collection: string; id?: string };

async function run(
  app: TenantApp,
  request: FastifyRequest<{ Params: Params }>,
  reply: FastifyReply,
  withBody: boolean,
  tag: string,
  action: (input: RecordActionInput) => ActionResult,
): Promise<FastifyReply> {
  const collection = app.collections.find(request.params.collection);
  if (collection) checkCollectionRateLimit(app, request, collection, tag);
  const body = withBody
    ? await readBody(request, { limit: BODY_LIMIT + uploadAllowance(collection), uploadsDir: app.files.uploadsDir })
    : { data: {}, files: [] };
  try {
    const result = action({ collection: request.params.collection, id: request.params.id, info: requestInfo(request, body.data), body });
    if (result.status === 204) return reply.code(204).send();
    return sendJSON(request, reply, result.status, result.body);
  } finally {
    disposeBody(body);
  }
}

/** Binds the record CRUD routes. */
export function bindRecordCrudApi(app: TenantApp, server: FastifyInstance): void {
  const base = '/api/collections/:collection/records';
  server.get<{ Params: Params }>(base, (req, reply) => run(app, req, reply, false, 'list', (i) => listAction(app, i)));
  server.get<{ Params: Params }>(`${base}/:id`, (req, reply) => run(app, req, reply, false, 'view', (i) => viewAction(app, i)));
  server.post<{ Params: Params }>(base, (req, reply) => run(app, req, reply, true, 'create', (i) => createAction(app, i)));
  server.patch<{ Params: Params }>(`${base}/:id`, (req, reply) => run(app, req, reply, true, 'update', (i) => updateAction(app, i)));
  server.delete<{ Params: Params }>(`${base}/:id`, (req, reply) => run(app, req, reply, false, 'delete', (i) => deleteAction(app, i)));
}
