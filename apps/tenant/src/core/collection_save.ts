/** Creating, updating and deleting collections: one pipeline with PocketBase's events. */
import { badRequest, fieldError, ValidationError } from '../tools/router/api_error.js';
import type { TenantApp } from './app.js';
import type { Collection } from './collection_model.js';
import { createCollectionSchema, dropCollectionSchema, updateCollectionSchema } from './collection_schema.js';
import { validateCollection } from './collection_validate.js';
import { inferViewFields } from './collection_view.js';
import { deleteAllRecords } from './record_save.js';

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

/** Validates and creates a collection with its table; returns the stored collection. */
export function createCollection(app: TenantApp, input: Collection): Collection {
  return app.write(() => {
    const c = input;
    if (c.type === 'view' && !c.viewQuery?.trim()) {
      throw new ValidationError({ viewQuery: fieldError('validation_required', 'Cannot be blank.') }, 'Failed to create collection.');
    }
    const event: CollectionEvent = { app, collection: c };
    app.hooks.trigger('OnCollectionCreate', event, (e) => {
      app.hooks.trigger('OnModelCreate', e, () => {
        if (e.collection.type === 'view') {
          try {
            e.collection.fields = inferViewFields(app, e.collection);
          } catch {
            // validateCollection reports the query error with its field code
          }
        }
        app.hooks.trigger('OnCollectionValidate', e, () => app.hooks.trigger('OnModelValidate', e, () => validateCollection(app, e.collection)));
        app.hooks.trigger('OnCollectionCreateExecute', e, () =>
          app.hooks.trigger('OnModelCreateExecute', e, () => {
            createCollectionSchema(app.store.data, e.collection);
            app.collections.persist(e.collection, true);
          }),
        );
      });
    });
    app.afterCommit(() => {
      app.hooks.trigger('OnCollectionAfterCreateSuccess', event);
      app.hooks.trigger('OnModelAfterCreateSuccess', event);
    }, () => {
      app.hooks.trigger('OnCollectionAfterCreateError', event);
      app.hooks.trigger('OnModelAfterCreateError', event);
    });
    return app.collections.findById(c.id) ?? c;
  });
}

/** Validates and applies a new version of a collection (schema migrated, data kept). */
export function updateCollection(app: TenantApp, original: Collection, next: Collection): Collection {
  return app.write(() => {
    const event: CollectionEvent = { app, collection: next, original };
    app.hooks.trigger('OnCollectionUpdate', event, (e) => {
      app.hooks.trigger('OnModelUpdate', e, () => {
        if (e.collection.type === 'view') {
          try {
            e.collection.fields = inferViewFields(app, e.collection);
          } catch {
            // reported by validateCollection
          }
        }
        app.hooks.trigger('OnCollectionValidate', e, () => app.hooks.trigger('OnModelValidate', e, () => validateCollection(app, e.collection, original)));
        app.hooks.trigger('OnCollectionUpdateExecute', e, () =>
          app.hooks.trigger('OnModelUpdateExecute', e, () => {
            updateCollectionSchema(app.store.data, original, e.collection);
            app.collections.persist(e.collection, false);
            refreshViews(app, e.collection.id);
          }),
        );
      });
    });
    app.afterCommit(() => {
      app.hooks.trigger('OnCollectionAfterUpdateSuccess', event);
      app.hooks.trigger('OnModelAfterUpdateSuccess', event);
    }, () => {
      app.hooks.trigger('OnCollectionAfterUpdateError', event);
      app.hooks.trigger('OnModelAfterUpdateError', event);
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
    const event: CollectionEvent = { app, collection: c };
    app.hooks.trigger('OnCollectionDelete', event, (e) => {
      app.hooks.trigger('OnModelDelete', e, () => {
        app.hooks.trigger('OnCollectionDeleteExecute', e, () =>
          app.hooks.trigger('OnModelDeleteExecute', e, () => {
            dropCollectionSchema(app.store.data, c);
            app.collections.remove(c.id);
            refreshViews(app);
          }),
        );
      });
    });
    app.afterCommit(() => {
      app.hooks.trigger('OnCollectionAfterDeleteSuccess', event);
      app.hooks.trigger('OnModelAfterDeleteSuccess', event);
    });
  });
}

/** Deletes every record of a collection (view collections cannot be truncated). */
export function truncateCollection(app: TenantApp, c: Collection): void {
  if (c.type === 'view') throw badRequest('View collections cannot be truncated since they don\'t store their own records.');
  deleteAllRecords(app, c);
}
