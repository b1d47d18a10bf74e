/** One handler per field type, and dispatch helpers for code holding a `Field` union. */
import type { Field, FieldType } from '../collection_model.js';
import { FIELD_TYPES } from '../collection_model.js';
import { autodateField } from './field_autodate.js';
import { boolField } from './field_bool.js';
import { dateField } from './field_date.js';
import { editorField } from './field_editor.js';
import { emailField } from './field_email.js';
import { fileField, type FileValue } from './field_file.js';
import { geoPointField, type GeoPoint } from './field_geo_point.js';
import { jsonField, type JsonRaw } from './field_json.js';
import { numberField } from './field_number.js';
import { passwordField, type PasswordValue } from './field_password.js';
import { relationField } from './field_relation.js';
import { selectField } from './field_select.js';
import { textField } from './field_text.js';
import { urlField } from './field_url.js';
import type { StringOrList } from './multi_value.js';
import type { FieldHandler, FieldModifier, FieldOf } from './types.js';

/** The in-memory value type of each field type. */
export interface FieldValueMap {
  text: string;
  number: number;
  bool: boolean;
  email: string;
  url: string;
  editor: string;
  date: string;
  autodate: string;
  select: StringOrList;
  file: FileValue;
  relation: StringOrList;
  json: JsonRaw;
  password: PasswordValue;
  geoPoint: GeoPoint;
}

/** Any field's in-memory value. */
export type FieldValue = FieldValueMap[FieldType];

/** A handler used through the Field union (the caller pairs each field with its own values). */
export type AnyFieldHandler = FieldHandler<Field, FieldValue>;

/** The handler of every field type. */
export const FIELD_HANDLERS: { readonly [T in FieldType]: FieldHandler<FieldOf<T>, FieldValueMap[T]> } = {
  text: textField,
  number: numberField,
  bool: boolField,
  email: emailField,
  url: urlField,
  editor: editorField,
  date: dateField,
  autodate: autodateField,
  select: selectField,
  file: fileField,
  relation: relationField,
  json: jsonField,
  password: passwordField,
  geoPoint: geoPointField,
};

/** The typed handler of one field type. */
export function handlerOf<T extends FieldType>(type: T): FieldHandler<FieldOf<T>, FieldValueMap[T]> {
  return FIELD_HANDLERS[type];
}

/** The handler of `field`, for code that holds the Field union. */
export function handlerFor(field: Field): AnyFieldHandler {
  // Each handler only ever receives fields of its own type (dispatch is on field.type),
  // which TypeScript cannot correlate across the union; hence the widening cast.
  return FIELD_HANDLERS[field.type] as unknown as AnyFieldHandler;
}

/** True for a known field type name. */
export function isFieldType(type: unknown): type is FieldType {
  return typeof type === 'string' && (FIELD_TYPES as readonly string[]).includes(type);
}

/** A request body key split into the field name and its modifier (`+name`, `name+`, `name-`, `name:autogenerate`). */
export function parseModifierKey(key: string): { name: string; modifier?: FieldModifier } {
  if (key.startsWith('+')) return { name: key.slice(1), modifier: 'prepend' };
  if (key.endsWith('+')) return { name: key.slice(0, -1), modifier: 'append' };
  if (key.endsWith('-')) return { name: key.slice(0, -1), modifier: 'subtract' };
  if (key.endsWith(':autogenerate')) return { name: key.slice(0, -':autogenerate'.length), modifier: 'autogenerate' };
  return { name: key };
}
