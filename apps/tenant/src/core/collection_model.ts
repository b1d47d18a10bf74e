/** Collection and field metadata as PocketBase v0.39 stores and serialises it. */

/** The three collection kinds. */
export type CollectionType = 'base' | 'auth' | 'view';

/** Every field type a collection can hold. */
export const FIELD_TYPES = [
  'text', 'number', 'bool', 'email', 'url', 'editor', 'date', 'autodate', 'select',
  'file', 'relation', 'json', 'password', 'geoPoint',
] as const;

/** One of FIELD_TYPES. */
export type FieldType = (typeof FIELD_TYPES)[number];

/** Options every field has. */
export interface FieldBase {
  id: string;
  name: string;
  type: FieldType;
  system: boolean;
  hidden: boolean;
  presentable: boolean;
  /** Not present on autodate fields (they are never required). */
  required?: boolean;
  help?: string;
}

/** text field options. */
export interface TextField extends FieldBase {
  type: 'text';
  min: number; max: number; pattern: string; autogeneratePattern: string; primaryKey: boolean;
}
/** number field options (min/max null = unbounded). */
export interface NumberField extends FieldBase { type: 'number'; min: number | null; max: number | null; onlyInt: boolean }
/** bool field. */
export interface BoolField extends FieldBase { type: 'bool' }
/** email field options. */
export interface EmailField extends FieldBase { type: 'email'; exceptDomains: string[] | null; onlyDomains: string[] | null }
/** url field options. */
export interface UrlField extends FieldBase { type: 'url'; exceptDomains: string[] | null; onlyDomains: string[] | null }
/** editor (rich text) field options. */
export interface EditorField extends FieldBase { type: 'editor'; maxSize: number; convertURLs: boolean }
/** date field options (bounds as PocketBase date strings, "" = none). */
export interface DateField extends FieldBase { type: 'date'; min: string; max: string }
/** autodate field options. */
export interface AutodateField extends FieldBase { type: 'autodate'; onCreate: boolean; onUpdate: boolean }
/** select field options. */
export interface SelectField extends FieldBase { type: 'select'; values: string[]; maxSelect: number }
/** file field options. */
export interface FileField extends FieldBase {
  type: 'file'; maxSize: number; maxSelect: number; mimeTypes: string[] | null; thumbs: string[] | null; protected: boolean;
}
/** relation field options. */
export interface RelationField extends FieldBase {
  type: 'relation'; collectionId: string; cascadeDelete: boolean; minSelect: number; maxSelect: number;
}
/** json field options. */
export interface JsonField extends FieldBase { type: 'json'; maxSize: number }
/** password field options. */
export interface PasswordField extends FieldBase { type: 'password'; pattern: string; min: number; max: number; cost: number }
/** geoPoint field. */
export interface GeoPointField extends FieldBase { type: 'geoPoint' }

/** A collection field, discriminated by `type`. */
export type Field =
  | TextField | NumberField | BoolField | EmailField | UrlField | EditorField | DateField
  | AutodateField | SelectField | FileField | RelationField | JsonField | PasswordField | GeoPointField;

/** Token settings of an auth collection (the secret is never serialised). */
export interface TokenConfig { secret: string; duration: number }

/** An email template. */
export interface EmailTemplate { subject: string; body: string }

/** Options only auth collections have. */
export interface AuthOptions {
  authRule: string | null;
  manageRule: string | null;
  authAlert: { enabled: boolean; emailTemplate: EmailTemplate };
  oauth2: {
    providers: unknown[];
    mappedFields: { id: string; name: string; username: string; avatarURL: string };
    enabled: boolean;
  };
  passwordAuth: { enabled: boolean; identityFields: string[] };
  mfa: { enabled: boolean; duration: number; rule: string };
  otp: { enabled: boolean; duration: number; length: number; emailTemplate: EmailTemplate };
  authToken: TokenConfig;
  passwordResetToken: TokenConfig;
  emailChangeToken: TokenConfig;
  verificationToken: TokenConfig;
  fileToken: TokenConfig;
  verificationTemplate: EmailTemplate;
  resetPasswordTemplate: EmailTemplate;
  confirmEmailChangeTemplate: EmailTemplate;
}

/** The names of the token configs of an auth collection. */
export type TokenConfigName = 'authToken' | 'passwordResetToken' | 'emailChangeToken' | 'verificationToken' | 'fileToken';

/** The five API rules every collection has. */
export interface CollectionRules {
  listRule: string | null;
  viewRule: string | null;
  createRule: string | null;
  updateRule: string | null;
  deleteRule: string | null;
}

/** A collection as held in memory. */
export interface Collection extends CollectionRules {
  id: string;
  name: string;
  type: CollectionType;
  system: boolean;
  fields: Field[];
  indexes: string[];
  created: string;
  updated: string;
  /** Only for view collections. */
  viewQuery?: string;
  /** Only for auth collections. */
  auth?: AuthOptions;
}

/** Id of the superusers collection, fixed as in PocketBase. */
export const SUPERUSERS_ID = 'pbc_3142635823';
/** Name of the superusers collection. */
export const SUPERUSERS_NAME = '_superusers';

/** Finds a field by name (case-sensitive, as PocketBase). */
export function findField(collection: Collection, name: string): Field | undefined {
  return collection.fields.find((f) => f.name === name);
}

/** True for fields that can hold several values (stored as a JSON array). */
export function isMultiValued(field: Field): boolean {
  switch (field.type) {
    case 'select':
    case 'file':
    case 'relation':
      return field.maxSelect > 1;
    default:
      return false;
  }
}
