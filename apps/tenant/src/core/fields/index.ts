/** Field type handlers: options, SQLite columns, value casting, modifiers and validation, as PocketBase v0.39. */
export type {
  CollectionLookup, CollectionRef, DbValue, FieldHandler, FieldModifier, FieldOf, JsonValue, NormalizeResult,
  OptionsContext, ValueContext,
} from './types.js';
export {
  FieldFormatError, FORMAT_ERROR_MESSAGE, fieldError, sentenize, type FieldError, type IndexedErrors, type OptionErrors,
} from './errors.js';
export {
  FIELD_HANDLERS, handlerFor, handlerOf, isFieldType, parseModifierKey, type AnyFieldHandler, type FieldValue, type FieldValueMap,
} from './registry.js';
export {
  columnDefinition, defaultsFor, fromDb, isSettable, modify, normalizeOptions, prepare, toDb, toJSON, validateOptions,
  validateValue, zeroValue,
} from './dispatch.js';
export { defaultFieldId, uniqueFieldId, validateFieldName } from './options.js';
export {
  autogenerateText, DEFAULT_ID_PATTERN, DEFAULT_TEXT_MAX, defaultIdField, PRIMARY_KEY_COLUMN, textField, validateTextValue,
} from './field_text.js';
export { numberField } from './field_number.js';
export { boolField } from './field_bool.js';
export { emailField } from './field_email.js';
export { urlField } from './field_url.js';
export { DEFAULT_EDITOR_MAX_SIZE, editorField, editorMaxSize } from './field_editor.js';
export { dateField } from './field_date.js';
export { autodateField, autodateOnSave } from './field_autodate.js';
export { selectField } from './field_select.js';
export { relationField } from './field_relation.js';
export type { StringOrList } from './multi_value.js';
export {
  DEFAULT_FILE_MAX_SIZE, fileEntries, fileField, fileMaxSize, fileNames, PendingFile, pendingFiles, removedFileNames,
  THUMB_SIZE, validateUpload, type FileEntry, type FileValue,
} from './field_file.js';
export { DEFAULT_JSON_MAX_SIZE, jsonField, jsonMaxSize, toJsonRaw, type JsonRaw } from './field_json.js';
export {
  DEFAULT_BCRYPT_COST, finalizePassword, finalizePasswordAsync, hashPassword, hashPasswordAsync, passwordField, verifyPassword,
  verifyPasswordAsync, type PasswordValue,
} from './field_password.js';
export { geoPointField, toGeoPoint, type GeoPoint } from './field_geo_point.js';
export { generateFromPattern, matchesPattern, tryGenerateFromPattern } from './patterns.js';
export { parseGoDateString, toPbDateString } from './go_time.js';
export { isDomain, isEmailFormat, isUrl } from './validators.js';
export { toUniqueStringSlice } from './cast.js';
