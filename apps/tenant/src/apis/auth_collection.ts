/** The auth collection named by a route's `:collection` parameter. */
import type { TenantApp } from '../core/app.js';
import type { Collection } from '../core/collection_model.js';
import { notFound } from '../tools/router/api_error.js';

/** The auth collection of a route, or 404. */
export function authCollection(app: TenantApp, idOrName: string): Collection {
  const c = app.collections.find(idOrName);
  if (!c || c.type !== 'auth' || !c.auth) throw notFound('Missing or invalid auth collection context.');
  return c;
}
