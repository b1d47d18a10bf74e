/** Conversions of collections between memory, the `_collections` row and the API JSON. */
import type { AuthOptions, Collection, CollectionType, Field } from './collection_model.js';
import type { Row, SqlValue } from './store.js';

/** The API JSON of a field: keys sorted, as PocketBase's encoder emits them. */
export function fieldToJSON(field: Field): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(field).sort()) out[key] = (field as unknown as Record<string, unknown>)[key];
  return out;
}

function authToJSON(auth: AuthOptions): Record<string, unknown> {
  const hideSecret = (t: { duration: number }) => ({ duration: t.duration });
  return {
    authRule: auth.authRule,
    manageRule: auth.manageRule,
    authAlert: auth.authAlert,
    // Provider client secrets stay on the server, as PocketBase's JSON leaves them out.
    oauth2: {
      ...auth.oauth2,
      providers: auth.oauth2.providers.map((p) => {
        const { clientSecret: _secret, ...rest } = p as Record<string, unknown>;
        return rest;
      }),
    },
    passwordAuth: auth.passwordAuth,
    mfa: auth.mfa,
    otp: auth.otp,
    authToken: hideSecret(auth.authToken),
    passwordResetToken: hideSecret(auth.passwordResetToken),
    emailChangeToken: hideSecret(auth.emailChangeToken),
    verificationToken: hideSecret(auth.verificationToken),
    fileToken: hideSecret(auth.fileToken),
    verificationTemplate: auth.verificationTemplate,
    resetPasswordTemplate: auth.resetPasswordTemplate,
    confirmEmailChangeTemplate: auth.confirmEmailChangeTemplate,
  };
}

/** The API JSON of a collection (token secrets never included). */
export function collectionToJSON(c: Collection): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: c.id,
    listRule: c.listRule,
    viewRule: c.viewRule,
    createRule: c.createRule,
    updateRule: c.updateRule,
    deleteRule: c.deleteRule,
    name: c.name,
    type: c.type,
    fields: c.fields.map(fieldToJSON),
    indexes: c.indexes,
    created: c.created,
    updated: c.updated,
    system: c.system,
  };
  if (c.type === 'view') out.viewQuery = c.viewQuery ?? '';
  if (c.type === 'auth' && c.auth) Object.assign(out, authToJSON(c.auth));
  return out;
}

/** Columns of the `_collections` table, in insert order. */
export const COLLECTION_COLUMNS = [
  'id', 'system', 'type', 'name', 'fields', 'indexes', 'listRule', 'viewRule', 'createRule', 'updateRule',
  'deleteRule', 'options', 'created', 'updated',
] as const;

/** The `_collections` row values for a collection. */
export function collectionToRow(c: Collection): SqlValue[] {
  const options: Record<string, unknown> = c.type === 'view' ? { viewQuery: c.viewQuery ?? '' } : c.type === 'auth' ? { ...c.auth } : {};
  return [
    c.id, c.system ? 1 : 0, c.type, c.name, JSON.stringify(c.fields), JSON.stringify(c.indexes), c.listRule, c.viewRule,
    c.createRule, c.updateRule, c.deleteRule, JSON.stringify(options), c.created, c.updated,
  ];
}

/** A collection from its `_collections` row. */
export function collectionFromRow(row: Row): Collection {
  const type = String(row.type) as CollectionType;
  const options = JSON.parse(String(row.options ?? '{}')) as Record<string, unknown>;
  const c: Collection = {
    id: String(row.id),
    name: String(row.name),
    type,
    system: Boolean(row.system),
    fields: JSON.parse(String(row.fields ?? '[]')) as Field[],
    indexes: JSON.parse(String(row.indexes ?? '[]')) as string[],
    listRule: row.listRule as string | null,
    viewRule: row.viewRule as string | null,
    createRule: row.createRule as string | null,
    updateRule: row.updateRule as string | null,
    deleteRule: row.deleteRule as string | null,
    created: String(row.created),
    updated: String(row.updated),
  };
  if (type === 'view') c.viewQuery = String(options.viewQuery ?? '');
  if (type === 'auth') c.auth = options as unknown as AuthOptions;
  return c;
}
