/** Auth, file and action tokens with PocketBase's claims: signed with record.tokenKey + collection secret. */
import { decodeJwtUnverified, signJwt, verifyJwt } from '../tools/security/jwt.js';
import type { TenantApp } from './app.js';
import type { TokenConfigName } from './collection_model.js';
import { findRecordById } from './record_find.js';
import type { RecordModel } from './record_model.js';

/** Token kinds, as the `type` claim. */
export type TokenType = 'auth' | 'file' | 'verification' | 'passwordReset' | 'emailChange';

const CONFIG_BY_TYPE: Record<TokenType, TokenConfigName> = {
  auth: 'authToken',
  file: 'fileToken',
  verification: 'verificationToken',
  passwordReset: 'passwordResetToken',
  emailChange: 'emailChangeToken',
};

function signingKey(record: RecordModel, type: TokenType): string {
  const auth = record.collection.auth;
  if (!auth) throw new Error(`collection ${record.collection.name} is not an auth collection`);
  return record.getString('tokenKey') + auth[CONFIG_BY_TYPE[type]].secret;
}

/** Options of a new token. */
export interface NewTokenOptions {
  /** Lifetime in seconds; the collection's configured duration when omitted. */
  duration?: number;
  /** Only for auth tokens: false for impersonation tokens. */
  refreshable?: boolean;
  /** Extra claims (email, newEmail...). */
  extra?: Record<string, unknown>;
}

/** Issues a token of `type` for an auth record. */
export function newRecordToken(app: TenantApp, record: RecordModel, type: TokenType, opts: NewTokenOptions = {}): string {
  const auth = record.collection.auth;
  if (!auth) throw new Error(`collection ${record.collection.name} is not an auth collection`);
  const claims: Record<string, unknown> = { id: record.id, type, collectionId: record.collection.id };
  if (type === 'auth') claims.refreshable = opts.refreshable ?? true;
  Object.assign(claims, opts.extra);
  const duration = opts.duration && opts.duration > 0 ? opts.duration : auth[CONFIG_BY_TYPE[type]].duration;
  return signJwt(claims, signingKey(record, type), duration, app.now().getTime());
}

/** The verified claims and record of a token of `type`, or undefined. */
export function findRecordByToken(
  app: TenantApp,
  token: string,
  type: TokenType,
): { record: RecordModel; claims: Record<string, unknown> } | undefined {
  const unverified = decodeJwtUnverified(token);
  if (!unverified || unverified.type !== type) return undefined;
  if (typeof unverified.id !== 'string' || typeof unverified.collectionId !== 'string') return undefined;
  const collection = app.collections.findById(unverified.collectionId);
  if (!collection || collection.type !== 'auth') return undefined;
  const record = findRecordById(app, collection, unverified.id);
  if (!record) return undefined;
  const claims = verifyJwt(token, signingKey(record, type), app.now().getTime());
  return claims ? { record, claims } : undefined;
}
