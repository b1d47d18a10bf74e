/** GET /api/collections/meta/scaffolds: blank collection templates per type. */
import { collectionFromCreateInput } from './collection_input.js';
import { collectionToJSON } from './collection_json.js';

/** A blank template of each collection type, as the dashboard's "New collection" starts. */
export function collectionScaffolds(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const type of ['auth', 'base', 'view'] as const) {
    const { collection } = collectionFromCreateInput({ type, name: '' });
    collection.id = '';
    collection.created = '';
    collection.updated = '';
    if (type === 'auth') collection.indexes = [];
    const json = collectionToJSON(collection);
    if (type === 'view') json.viewQuery = '';
    out[type] = json;
  }
  return out;
}
