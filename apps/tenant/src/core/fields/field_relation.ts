/** The "relation" field: ids of records in another collection. */
import type { RelationField } from '../collection_model.js';
import { toUniqueStringSlice } from './cast.js';
import { errMinThreshold, errRequired, fieldError, type OptionErrors } from './errors.js';
import { stringListMethods, type StringOrList } from './multi_value.js';
import { BASE_SPEC, defaultFieldId, readOptions, validateBase } from './options.js';
import type { FieldHandler, OptionsContext } from './types.js';

function relationDefaults(name: string, id?: string): RelationField {
  return {
    cascadeDelete: false, collectionId: '', help: '', hidden: false, id: id ?? defaultFieldId('relation', name),
    maxSelect: 0, minSelect: 0, name, presentable: false, required: false, system: false, type: 'relation',
  };
}

const SPEC = { ...BASE_SPEC, collectionId: 'string', cascadeDelete: 'bool', minSelect: 'int', maxSelect: 'int' } as const;

function checkCollectionId(field: RelationField, ctx: OptionsContext): OptionErrors[string] | undefined {
  if (field.collectionId === '') return errRequired();
  const old = ctx.old;
  if (old?.type === 'relation' && old.collectionId !== field.collectionId) {
    return fieldError('validation_field_relation_change', 'The relation collection cannot be changed.');
  }
  // Only an id is accepted here, not a collection name.
  const rel = ctx.findCollection(field.collectionId);
  if (!rel || rel.id !== field.collectionId) {
    return fieldError('validation_field_relation_missing_collection', "The relation collection doesn't exist.");
  }
  if (ctx.collection.type !== 'view' && rel.type === 'view') {
    return fieldError(
      'validation_relation_field_non_view_base_collection', 'Only view collections are allowed to have relations to other views.',
    );
  }
  return undefined;
}

/**
 * Handler of "relation" fields; values are an id (maxSelect <= 1) or a list of ids.
 * cascadeDelete and back-relations are the record layer's job.
 */
export const relationField: FieldHandler<RelationField, StringOrList> = {
  type: 'relation',
  settable: true,
  ...stringListMethods<RelationField>(),
  defaults: relationDefaults,
  normalizeOptions: (raw) => readOptions(raw, relationDefaults('', ''), SPEC),
  validateOptions(field, ctx) {
    const errors = validateBase(field, {});
    const collectionId = checkCollectionId(field, ctx);
    if (collectionId) errors.collectionId = collectionId;
    if (field.minSelect < 0) errors.minSelect = errMinThreshold(0);
    if (field.minSelect > 0 && field.maxSelect === 0) errors.maxSelect = errRequired();
    else if (field.maxSelect !== 0 && field.maxSelect < field.minSelect) errors.maxSelect = errMinThreshold(field.minSelect);
    return errors;
  },
  validateValue(field, value, ctx) {
    const ids = toUniqueStringSlice(value);
    if (ids.length === 0) return field.required ? errRequired() : null;
    if (field.minSelect > 0 && ids.length < field.minSelect) {
      return fieldError('validation_not_enough_values', 'Select at least {{.minSelect}}', { minSelect: field.minSelect });
    }
    const maxSelect = Math.max(field.maxSelect, 1);
    if (ids.length > maxSelect) {
      return fieldError('validation_too_many_values', 'Select no more than {{.maxSelect}}', { maxSelect });
    }
    const rel = ctx.findCollection ? ctx.findCollection(field.collectionId) : { id: field.collectionId };
    if (!rel) return fieldError('validation_missing_rel_collection', 'Relation connection is missing or cannot be accessed');
    const existing = ctx.existingRelIds(rel.id, ids);
    if (!ids.every((id) => existing.has(id))) {
      return fieldError('validation_missing_rel_records', 'Failed to find all relation records with the provided ids');
    }
    return null;
  },
};
