/** Creating, updating and deleting collections: one pipeline with PocketBase's events. */
import { badRequest } from '../tools/router/api_error.js';
import type { TenantApp } from './app.js';
import type { Collection } from './collection_model.js';
import { createCollectionSchema, dropCollectionSchema, updateCollectionSchema } from './collection_schema.js';
import { validateCollection } from './collection_validate.js';
import { inferViewFields } from './collection_view.js';
import { runModelChange } from './model_events.js';
import { deleteAllRecords } from './record_save.js';
import { quoteId } from './store.js';

/** The event collection hooks receive. */
export interface CollectionEvent {
  app: TenantApp;
  collection: Collection;
  /** The stored version, for updates. */
  original?: Collection;
}

// Re-derives the fields of every view (their sources may have changed) and checks that each still compiles.
function refreshViews(app: TenantApp, except?: string): void {
  for (const view of app.collections.all()) {
    if (view.type !== 'view' || view.id === except) continue;
    let fields;
    try {
      fields = inferViewFields(app, view);
    } catch (err) {
      throw badRequest(`The change breaks the view collection "${view.name}".`, {}, err);
    }
    if (JSON.stringify(fields) !== JSON.stringify(view.fields)) app.collections.persist({ ...view, fields }, false);
  }
}

// A view's fields always come from its query; a query that does not compile is reported by validation.
function deriveViewFields(app: TenantApp, c: Collection): void {
  if (c.type !== 'view') return;
  try {
    c.fields = inferViewFields(app, c);
  } catch {
    // validateCollection reports the query error with its field code
  }
}

/** Validates and creates a collection with its table; returns the stored collection. */
export function createCollection(app: TenantApp, input: Collection): Collection {
  return app.write(() => {
    const event: CollectionEvent = { app, collection: input };
    runModelChange(app, 'Collection', 'Create', event, {
      prepare: (e) => deriveViewFields(app, e.collection),
      validate: (e) => validateCollection(app, e.collection),
      execute: (e) => {
        createCollectionSchema(app.store.data, e.collection);
        app.collections.persist(e.collection, true);
      },
    });
    return app.collections.findById(event.collection.id) ?? event.collection;
  });
}

/** Validates and applies a new version of a collection (schema migrated, data kept). */
export function updateCollection(app: TenantApp, original: Collection, next: Collection): Collection {
  return app.write(() => {
    const event: CollectionEvent = { app, collection: next, original };
    runModelChange(app, 'Collection', 'Update', event, {
      prepare: (e) => deriveViewFields(app, e.collection),
      validate: (e) => validateCollection(app, e.collection, original),
      execute: (e) => {
        updateCollectionSchema(app.store.data, original, e.collection);
        app.collections.persist(e.collection, false);
        refreshViews(app, e.collection.id);
      },
    });
    return app.collections.findById(next.id) ?? next;
  });
}

/** Deletes a collection and its table; refuses system collections and referenced ones. */
export function deleteCollection(app: TenantApp, c: Collection): void {
  if (c.system) throw badRequest('System collections cannot be deleted.');
  for (const other of app.collections.all()) {
    if (other.id === c.id) continue;
    if (other.fields.some((f) => f.type === 'relation' && f.collectionId === c.id)) {
      throw badRequest(`The collection is referenced by a relation field of "${other.name}": remove the relation first.`);
    }
  }
  app.write(() => {
    runModelChange(app, 'Collection', 'Delete', { app, collection: c } as CollectionEvent, {
      execute: () => {
        // The auth sessions and links of the collection's records go with it.
        if (c.type === 'auth') {
          for (const name of ['_externalAuths', '_mfas', '_otps', '_authOrigins']) {
            if (app.collections.find(name)) app.store.data.run(`DELETE FROM ${quoteId(name)} WHERE collectionRef = ?`, [c.id]);
          }
        }
        dropCollectionSchema(app.store.data, c);
        app.collections.remove(c.id);
        refreshViews(app);
        if (c.type !== 'view') {
          app.afterCommit(() => app.logs.warnOnFailure('delete the files of a deleted collection', () => app.files.deleteCollectionDir(c.id)));
        }
      },
    });
  });
}

/** Deletes every record of a collection (view collections cannot be truncated). */
export function truncateCollection(app: TenantApp, c: Collection): void {
  if (c.type === 'view') throw badRequest('View collections cannot be truncated since they don\'t store their own records.');
  deleteAllRecords(app, c);
}
