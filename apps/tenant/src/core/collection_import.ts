/** PUT /api/collections/import: replaces/creates many collections in one transaction. */
import type { ErrorData } from '../tools/router/api_error.js';
import { ApiError, fieldError, ValidationError } from '../tools/router/api_error.js';
import type { TenantApp } from './app.js';
import { collectionFromCreateInput, collectionFromUpdateInput } from './collection_input.js';
import type { Collection } from './collection_model.js';
import { createCollection, deleteCollection, updateCollection } from './collection_save.js';
import { isPlainObject } from '../tools/types/objects.js';


function fail(message: string, cause?: unknown): never {
  const detail = cause instanceof ApiError ? `${cause.message} ${JSON.stringify(cause.data)}` : cause instanceof Error ? cause.message : '';
  throw new ValidationError(
    { collections: fieldError('validation_collections_import_failure', detail ? `${message} ${detail}` : message) },
    'Failed to import the collections.',
  );
}

/**
 * Imports collections: existing ones (matched by id, then name) are replaced by the given
 * definition, new ones created, and with deleteMissing the others (non-system) deleted.
 * Two passes let collections reference each other in any order.
 */
export function importCollections(app: TenantApp, raw: unknown, deleteMissing: boolean): void {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ValidationError({ collections: fieldError('validation_required', 'Cannot be blank.') }, 'Failed to import the collections.');
  }
  const inputs = raw.filter(isPlainObject);
  if (inputs.length !== raw.length) fail('Every item must be a collection object.');
  app.write(() => {
    const targets: Array<{ input: Record<string, unknown>; existing?: Collection }> = inputs.map((input) => {
      const byId = typeof input.id === 'string' && input.id ? app.collections.findById(input.id) : undefined;
      const byName = !byId && typeof input.name === 'string' ? app.collections.find(input.name) : undefined;
      return { input, existing: byId ?? byName };
    });
    // Pass 1: create new base/auth collections without relations, rules and indexes.
    for (const t of targets) {
      if (t.existing || t.input.type === 'view') continue;
      const { collection, errors } = collectionFromCreateInput({
        ...t.input,
        fields: Array.isArray(t.input.fields) ? t.input.fields.filter((f) => !(isPlainObject(f) && f.type === 'relation')) : t.input.fields,
        indexes: [], listRule: null, viewRule: null, createRule: null, updateRule: null, deleteRule: null,
        authRule: '', manageRule: null,
      });
      if (Object.keys(errors).length) fail(`Invalid collection "${String(t.input.name)}".`, new ValidationError(errors as ErrorData));
      try {
        t.existing = createCollection(app, collection);
      } catch (err) {
        fail(`Failed to create collection "${String(t.input.name)}".`, err);
      }
      t.input = { ...t.input, id: t.existing.id };
    }
    // Pass 2: apply the full definitions (and create views, whose sources now exist).
    for (const t of targets) {
      try {
        if (t.existing) {
          const current = app.collections.findById(t.existing.id) ?? t.existing;
          const { collection, errors } = collectionFromUpdateInput(current, { fields: [], indexes: [], ...t.input });
          if (Object.keys(errors).length) throw new ValidationError(errors);
          t.existing = updateCollection(app, current, collection);
        } else {
          const { collection, errors } = collectionFromCreateInput(t.input);
          if (Object.keys(errors).length) throw new ValidationError(errors);
          t.existing = createCollection(app, collection);
        }
      } catch (err) {
        fail(`Failed to import collection "${String(t.input.name)}".`, err);
      }
    }
    if (!deleteMissing) return;
    const keep = new Set(targets.map((t) => t.existing?.id));
    let pending = app.collections.all().filter((c) => !keep.has(c.id) && !c.system);
    // Views first, then tables; repeat while progress is made (relations between deleted ones).
    pending.sort((a, b) => (a.type === 'view' ? -1 : 0) - (b.type === 'view' ? -1 : 0));
    while (pending.length) {
      const failed: Collection[] = [];
      let lastErr: unknown;
      for (const c of pending) {
        try {
          deleteCollection(app, c);
        } catch (err) {
          failed.push(c);
          lastErr = err;
        }
      }
      if (failed.length === pending.length) fail(`Failed to delete collection "${failed[0].name}".`, lastErr);
      pending = failed;
    }
  });
}
