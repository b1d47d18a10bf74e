/** The system collections and default auth options a new data directory starts with. */
import { randomString } from '../tools/security/random.js';
import { defaultFieldId, defaultIdField } from './fields/index.js';
import { nowString } from '../tools/types/datetime.js';
import type {
  AuthOptions, AutodateField, BoolField, Collection, EmailField, Field, PasswordField, TextField,
} from './collection_model.js';
import { SUPERUSERS_ID, SUPERUSERS_NAME } from './collection_model.js';

/** The primary key field every base and auth collection has. */
export const idField = defaultIdField;

function systemText(name: string, required: boolean, hidden = false): TextField {
  return {
    autogeneratePattern: '', help: '', hidden, id: defaultFieldId('text', name), max: 0, min: 0, name, pattern: '',
    presentable: false, primaryKey: false, required, system: true, type: 'text',
  };
}

/** created/updated autodate fields. */
export function autodateFields(system: boolean): AutodateField[] {
  return [
    { hidden: false, id: 'autodate2990389176', name: 'created', onCreate: true, onUpdate: false, presentable: false, system, type: 'autodate' },
    { hidden: false, id: 'autodate3332085495', name: 'updated', onCreate: true, onUpdate: true, presentable: false, system, type: 'autodate' },
  ];
}

/** The system fields of every auth collection, in PocketBase's order. */
export function authSystemFields(): Field[] {
  const password: PasswordField = {
    cost: 0, help: '', hidden: true, id: 'password901924565', max: 0, min: 8, name: 'password', pattern: '',
    presentable: false, required: true, system: true, type: 'password',
  };
  const tokenKey: TextField = {
    autogeneratePattern: '[a-zA-Z0-9]{50}', help: '', hidden: true, id: 'text2504183744', max: 60, min: 30,
    name: 'tokenKey', pattern: '', presentable: false, primaryKey: false, required: true, system: true, type: 'text',
  };
  const email: EmailField = {
    exceptDomains: null, help: '', hidden: false, id: 'email3885137012', name: 'email', onlyDomains: null,
    presentable: false, required: true, system: true, type: 'email',
  };
  const bool = (name: string, id: string): BoolField => ({
    help: '', hidden: false, id, name, presentable: false, required: false, system: true, type: 'bool',
  });
  return [idField(), password, tokenKey, email, bool('emailVisibility', 'bool1547992806'), bool('verified', 'bool256245529')];
}

const TEMPLATE_FOOTER = '<p>\n  Thanks,<br/>\n  {APP_NAME} team\n</p>';

/** Fresh auth options with new token secrets (durations as PocketBase). */
export function defaultAuthOptions(superusers = false): AuthOptions {
  const token = (duration: number) => ({ secret: randomString(50), duration });
  return {
    authRule: '',
    manageRule: null,
    authAlert: {
      enabled: true,
      emailTemplate: {
        subject: 'Login from a new location',
        body: "<p>Hello,</p>\n<p>We noticed a login to your {APP_NAME} account from a new location:</p>\n<p><em>{ALERT_INFO}</em></p>\n<p><strong>If this wasn't you, you should immediately change your {APP_NAME} account password to revoke access from all other locations.</strong></p>\n<p>If this was you, you may disregard this email.</p>\n" + TEMPLATE_FOOTER,
      },
    },
    oauth2: { providers: [], mappedFields: { id: '', name: '', username: '', avatarURL: '' }, enabled: false },
    passwordAuth: { enabled: true, identityFields: ['email'] },
    mfa: { enabled: false, duration: 600, rule: '' },
    otp: {
      enabled: false, duration: 180, length: 8,
      emailTemplate: {
        subject: 'OTP for {APP_NAME}',
        body: "<p>Hello,</p>\n<p>Your one-time password is: <strong>{OTP}</strong></p>\n<p><i>If you didn't ask for the one-time password, you can ignore this email.</i></p>\n" + TEMPLATE_FOOTER,
      },
    },
    authToken: token(superusers ? 86400 : 432000),
    passwordResetToken: token(1800),
    emailChangeToken: token(1800),
    verificationToken: token(86400),
    fileToken: token(180),
    verificationTemplate: {
      subject: 'Verify your {APP_NAME} email',
      body: '<p>Hello,</p>\n<p>Thank you for joining us at {APP_NAME}.</p>\n<p>Click on the button below to verify your email address.</p>\n<p>\n  <a class="btn" href="{APP_URL}/_/#/auth/confirm-verification/{TOKEN}" target="_blank" rel="noopener">Verify</a>\n</p>\n<p><i>If you didn\'t recently register, please ignore this email.</i></p>\n' + TEMPLATE_FOOTER,
    },
    resetPasswordTemplate: {
      subject: 'Reset your {APP_NAME} password',
      body: '<p>Hello,</p>\n<p>Click on the button below to reset your password.</p>\n<p>\n  <a class="btn" href="{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}" target="_blank" rel="noopener">Reset password</a>\n</p>\n<p><i>If you didn\'t ask to reset your password, please ignore this email.</i></p>\n' + TEMPLATE_FOOTER,
    },
    confirmEmailChangeTemplate: {
      subject: 'Confirm your {APP_NAME} new email address',
      body: '<p>Hello,</p>\n<p>Click on the button below to confirm your new email address.</p>\n<p>\n  <a class="btn" href="{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}" target="_blank" rel="noopener">Confirm new email</a>\n</p>\n<p><i>If you didn\'t ask to change your email address, please ignore this email.</i></p>\n' + TEMPLATE_FOOTER,
    },
  };
}

/** Unique indexes every auth collection has on tokenKey and email. */
export function authIndexes(collectionId: string, table: string): string[] {
  return [
    `CREATE UNIQUE INDEX \`idx_tokenKey_${collectionId}\` ON \`${table}\` (\`tokenKey\`)`,
    `CREATE UNIQUE INDEX \`idx_email_${collectionId}\` ON \`${table}\` (\`email\`) WHERE \`email\` != ''`,
  ];
}

const OWNER_RULE = "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId";

function systemBase(id: string, name: string, extra: Field[], indexes: string[], deletable: boolean): Collection {
  const now = nowString();
  return {
    id, name, type: 'base', system: true,
    listRule: OWNER_RULE, viewRule: OWNER_RULE, createRule: null, updateRule: null,
    deleteRule: deletable ? OWNER_RULE : null,
    fields: [idField(), systemText('collectionRef', true), systemText('recordRef', true), ...extra, ...autodateFields(true)],
    indexes, created: now, updated: now,
  };
}

/** Every collection a new data directory gets, in creation order. */
export function initialCollections(): Collection[] {
  const now = nowString();
  const otpPassword: PasswordField = {
    cost: 8, help: '', hidden: true, id: 'password901924565', max: 0, min: 0, name: 'password', pattern: '',
    presentable: false, required: true, system: true, type: 'password',
  };
  const superusers: Collection = {
    id: SUPERUSERS_ID, name: SUPERUSERS_NAME, type: 'auth', system: true,
    listRule: null, viewRule: null, createRule: null, updateRule: null, deleteRule: null,
    fields: [...authSystemFields(), ...autodateFields(true)],
    indexes: authIndexes(SUPERUSERS_ID, SUPERUSERS_NAME), created: now, updated: now,
    auth: defaultAuthOptions(true),
  };
  const usersAuth = defaultAuthOptions(false);
  usersAuth.oauth2.mappedFields = { id: '', name: 'name', username: '', avatarURL: 'avatar' };
  const userName: TextField = {
    autogeneratePattern: '', help: '', hidden: false, id: 'text1579384326', max: 255, min: 0, name: 'name', pattern: '',
    presentable: false, primaryKey: false, required: false, system: false, type: 'text',
  };
  const users: Collection = {
    id: '_pb_users_auth_', name: 'users', type: 'auth', system: false,
    listRule: 'id = @request.auth.id', viewRule: 'id = @request.auth.id', createRule: '',
    updateRule: 'id = @request.auth.id', deleteRule: 'id = @request.auth.id',
    fields: [
      ...authSystemFields(),
      userName,
      {
        help: '', hidden: false, id: 'file376926767', maxSelect: 1, maxSize: 0,
        mimeTypes: ['image/jpeg', 'image/png', 'image/svg+xml', 'image/gif', 'image/webp'], name: 'avatar',
        presentable: false, protected: false, required: false, system: false, thumbs: null, type: 'file',
      },
      ...autodateFields(false),
    ],
    indexes: authIndexes('_pb_users_auth_', 'users'), created: now, updated: now,
    auth: usersAuth,
  };
  return [
    systemBase('pbc_2279338944', '_mfas', [systemText('method', true)],
      ['CREATE INDEX `idx_mfas_collectionRef_recordRef` ON `_mfas` (collectionRef,recordRef)'], false),
    systemBase('pbc_1638494021', '_otps', [otpPassword, systemText('sentTo', false, true)],
      ['CREATE INDEX `idx_otps_collectionRef_recordRef` ON `_otps` (collectionRef, recordRef)'], false),
    systemBase('pbc_2281828961', '_externalAuths', [systemText('provider', true), systemText('providerId', true)], [
      'CREATE UNIQUE INDEX `idx_externalAuths_record_provider` ON `_externalAuths` (collectionRef, recordRef, provider)',
      'CREATE UNIQUE INDEX `idx_externalAuths_collection_provider` ON `_externalAuths` (collectionRef, provider, providerId)',
    ], true),
    systemBase('pbc_4275539003', '_authOrigins', [systemText('fingerprint', true)],
      ['CREATE UNIQUE INDEX `idx_authOrigins_unique_pairs` ON `_authOrigins` (collectionRef, recordRef, fingerprint)'], true),
    superusers,
    users,
  ];
}
