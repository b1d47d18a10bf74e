/** /api/collections: list, view, create, update, delete, truncate, import, scaffolds (superusers only). */
import type { FastifyInstance } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { collectionFromCreateInput, collectionFromUpdateInput } from '../core/collection_input.js';
import { collectionToJSON } from '../core/collection_json.js';
import type { Collection } from '../core/collection_model.js';
import { createCollection, deleteCollection, truncateCollection, updateCollection } from '../core/collection_save.js';
import { importCollections } from '../core/collection_import.js';
import { collectionScaffolds } from '../core/collection_scaffolds.js';
import { buildFilter, buildSort, FilterError } from '../tools/filter/index.js';
import type { FieldResolver, ResolvedOperand } from '../tools/filter/index.js';
import { badRequest, notFound, ValidationError } from '../tools/router/api_error.js';
import { pageOffset } from '../core/record_query.js';
import { readBody } from './body.js';
import { queryOf, requireSuperuser, sendJSON } from './context.js';

const LIST_COLUMNS = new Set(['id', 'created', 'updated', 'name', 'system', 'type', 'listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule', 'fields', 'indexes']);

// Filters and sorts collections through the same filter language, over `_collections` columns.
const collectionsResolver: FieldResolver = {
  resolve(identifier: string): ResolvedOperand {
    if (!LIST_COLUMNS.has(identifier)) throw new FilterError(`unknown field "${identifier}"`);
    return { sql: '`' + identifier + '`', params: [] };
  },
};

function findOr404(app: TenantApp, idOrName: string): Collection {
  const c = app.collections.find(idOrName);
  if (!c) throw notFound();
  return c;
}

/** Binds the collection routes. */
export function bindCollectionApi(app: TenantApp, server: FastifyInstance): void {
  server.get('/api/collections', async (request, reply) => {
    requireSuperuser(request);
    const q = queryOf(request);
    const page = Math.max(1, Number.parseInt(q.page ?? '1', 10) || 1);
    const perPage = Math.min(1000, Math.max(1, Number.parseInt(q.perPage ?? '30', 10) || 30));
    let where = '';
    let order = 'rowid';
    const params: unknown[] = [];
    try {
      if (q.filter) {
        const f = buildFilter(q.filter, collectionsResolver, { now: app.now });
        where = ` WHERE ${f.sql}`;
        params.push(...f.params);
      }
      if (q.sort) order = buildSort(q.sort, collectionsResolver, { rowidTable: '_collections' }) || order;
    } catch (err) {
      if (err instanceof FilterError) throw badRequest(undefined, {}, err);
      throw err;
    }
    const skipTotal = /^(1|true)$/i.test(q.skipTotal ?? '');
    const ids = app.store.data.all<{ id: string }>(`SELECT id FROM _collections${where} ORDER BY ${order} LIMIT ? OFFSET ?`, [
      ...(params as never[]), perPage, pageOffset(page, perPage),
    ]);
    let totalItems = -1;
    if (!skipTotal) totalItems = app.store.data.get<{ n: number }>(`SELECT COUNT(*) AS n FROM _collections${where}`, params as never[])?.n ?? 0;
    const items = ids.map((r) => app.collections.findById(r.id)).filter((c): c is Collection => Boolean(c));
    const event = { app, collections: items };
    app.hooks.trigger('OnCollectionsListRequest', event);
    return sendJSON(request, reply, 200, {
      page, perPage, totalItems, totalPages: totalItems < 0 ? -1 : Math.ceil(totalItems / perPage),
      items: event.collections.map(collectionToJSON),
    });
  });

  server.get('/api/collections/meta/scaffolds', async (request, reply) => {
    requireSuperuser(request);
    return sendJSON(request, reply, 200, collectionScaffolds());
  });

  server.get<{ Params: { collection: string } }>('/api/collections/:collection', async (request, reply) => {
    requireSuperuser(request);
    const c = findOr404(app, request.params.collection);
    app.hooks.trigger('OnCollectionViewRequest', { app, collection: c });
    return sendJSON(request, reply, 200, collectionToJSON(c));
  });

  server.post('/api/collections', async (request, reply) => {
    requireSuperuser(request);
    const { data } = await readBody(request);
    const { collection, errors } = collectionFromCreateInput(data);
    if (Object.keys(errors).length) throw new ValidationError(errors, 'Failed to create collection.');
    let saved: Collection = collection;
    app.hooks.trigger('OnCollectionCreateRequest', { app, collection }, (e) => {
      saved = createCollection(app, e.collection);
    });
    return sendJSON(request, reply, 200, collectionToJSON(saved));
  });

  server.patch<{ Params: { collection: string } }>('/api/collections/:collection', async (request, reply) => {
    requireSuperuser(request);
    const original = findOr404(app, request.params.collection);
    const { data } = await readBody(request);
    const { collection, errors } = collectionFromUpdateInput(original, data);
    if (Object.keys(errors).length) throw new ValidationError(errors, 'Failed to update collection.');
    let saved: Collection = collection;
    app.hooks.trigger('OnCollectionUpdateRequest', { app, collection, original }, (e) => {
      saved = updateCollection(app, original, e.collection);
    });
    return sendJSON(request, reply, 200, collectionToJSON(saved));
  });

  server.delete<{ Params: { collection: string } }>('/api/collections/:collection', async (request, reply) => {
    requireSuperuser(request);
    const c = findOr404(app, request.params.collection);
    app.hooks.trigger('OnCollectionDeleteRequest', { app, collection: c }, () => deleteCollection(app, c));
    return reply.code(204).send();
  });

  server.delete<{ Params: { collection: string } }>('/api/collections/:collection/truncate', async (request, reply) => {
    requireSuperuser(request);
    const c = findOr404(app, request.params.collection);
    app.hooks.trigger('OnCollectionTruncateRequest', { app, collection: c }, () => truncateCollection(app, c));
    return reply.code(204).send();
  });

  server.put('/api/collections/import', async (request, reply) => {
    requireSuperuser(request);
    const { data } = await readBody(request);
    app.hooks.trigger('OnCollectionsImportRequest', { app, data }, () => importCollections(app, data.collections, data.deleteMissing === true));
    return reply.code(204).send();
  });
}
