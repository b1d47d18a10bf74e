/** Instance settings stored as JSON in `_params` (id "settings"), PocketBase's shape. */
import type { ErrorData } from '../tools/router/api_error.js';
import { fieldError, ValidationError } from '../tools/router/api_error.js';
import type { SqliteConnection } from './store.js';
import { isPlainObject } from '../tools/types/objects.js';

/** One rate limit rule. */
export interface RateLimitRule {
  label: string;
  audience: '' | '@guest' | '@auth';
  duration: number;
  maxRequests: number;
}

/** S3 connection settings (the secret is never serialised). */
export interface S3Settings {
  enabled: boolean;
  bucket: string;
  region: string;
  endpoint: string;
  accessKey: string;
  secret: string;
  forcePathStyle: boolean;
}

/** All settings. */
export interface Settings {
  superuserIPs: string[];
  smtp: {
    enabled: boolean; port: number; host: string; username: string; password: string;
    authMethod: string; tls: boolean; localName: string;
  };
  backups: { cron: string; cronMaxKeep: number; s3: S3Settings };
  s3: S3Settings;
  meta: {
    accentColor: string; appName: string; appURL: string; senderName: string; senderAddress: string;
    hideControls: boolean;
  };
  rateLimits: { rules: RateLimitRule[]; excludedIPs: string[]; enabled: boolean };
  trustedProxy: { headers: string[]; useLeftmostIP: boolean };
  batch: { enabled: boolean; maxRequests: number; timeout: number; maxBodySize: number };
  logs: { maxDays: number; minLevel: number; logIP: boolean; logAuthId: boolean };
}

function defaultS3(): S3Settings {
  return { enabled: false, bucket: '', region: '', endpoint: '', accessKey: '', secret: '', forcePathStyle: false };
}

/** PocketBase's defaults for a new instance. */
export function defaultSettings(): Settings {
  return {
    superuserIPs: [],
    smtp: {
      enabled: false, port: 587, host: 'smtp.example.com', username: '', password: '', authMethod: '',
      tls: false, localName: '',
    },
    backups: { cron: '', cronMaxKeep: 3, s3: defaultS3() },
    s3: defaultS3(),
    meta: {
      accentColor: '#1055c9', appName: 'Acme', appURL: 'http://localhost:8090', senderName: 'Support',
      senderAddress: 'support@example.com', hideControls: false,
    },
    rateLimits: {
      rules: [
        { label: '*:auth', audience: '', duration: 3, maxRequests: 2 },
        { label: '*:create', audience: '', duration: 5, maxRequests: 20 },
        { label: '/api/batch', audience: '', duration: 1, maxRequests: 3 },
        { label: '/api/', audience: '', duration: 10, maxRequests: 300 },
      ],
      excludedIPs: [],
      enabled: false,
    },
    trustedProxy: { headers: [], useLeftmostIP: false },
    batch: { enabled: false, maxRequests: 50, timeout: 3, maxBodySize: 0 },
    logs: { maxDays: 5, minLevel: 0, logIP: true, logAuthId: false },
  };
}

/** The settings as the API shows them: secrets removed. */
export function publicSettings(s: Settings): Record<string, unknown> {
  const { password: _password, ...smtp } = s.smtp;
  const { secret: _s1, ...s3 } = s.s3;
  const { secret: _s2, ...bs3 } = s.backups.s3;
  return { ...s, smtp, s3, backups: { ...s.backups, s3: bs3 } };
}


/**
 * Overlays a JSON patch on the current settings: objects merge, other values replace, and a
 * value whose JSON type differs from the current one is a validation error.
 */
export function mergeSettings(current: Settings, patch: unknown): Settings {
  if (!isPlainObject(patch)) throw new ValidationError({}, 'Invalid settings data.');
  const errors: ErrorData = {};
  const merged = mergeInto(structuredClone(current) as unknown as Record<string, unknown>, patch, errors);
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, 'An error occurred while validating the submitted data.');
  const settings = merged as unknown as Settings;
  // A rule's missing fields are their zero values, as Go's JSON decoding gives PocketBase
  // (an omitted audience is "", everyone).
  settings.rateLimits.rules = settings.rateLimits.rules.map((r) => (isPlainObject(r) ? { label: r.label ?? '', audience: r.audience ?? '', duration: r.duration ?? 0, maxRequests: r.maxRequests ?? 0 } : r));
  return settings;
}

function mergeInto(target: Record<string, unknown>, patch: Record<string, unknown>, errors: ErrorData): Record<string, unknown> {
  for (const [key, value] of Object.entries(patch)) {
    if (!(key in target)) continue; // unknown keys are ignored, as PocketBase's JSON binding does
    const cur = target[key];
    if (isPlainObject(cur)) {
      if (!isPlainObject(value)) {
        errors[key] = fieldError('validation_invalid_value', 'Invalid value.');
        continue;
      }
      const sub: ErrorData = {};
      target[key] = mergeInto(cur, value, sub);
      if (Object.keys(sub).length) errors[key] = sub;
    } else if (Array.isArray(cur)) {
      if (value === null) target[key] = [];
      else if (!Array.isArray(value)) errors[key] = fieldError('validation_invalid_value', 'Must be an array.');
      else target[key] = value;
    } else if (typeof cur !== typeof value) {
      errors[key] = fieldError('validation_invalid_value', `Must be a ${typeof cur}.`);
    } else {
      target[key] = value;
    }
  }
  return target;
}

const LABEL_RE = /^(\*|[\w-]+):(\w+)$|^(GET |POST |PUT |PATCH |DELETE |HEAD |OPTIONS )?\/\S*$/;

/** Validates settings with PocketBase's rules; throws ValidationError. */
export function validateSettings(s: Settings): void {
  const errors: ErrorData = {};
  const meta: ErrorData = {};
  if (!s.meta.appName.trim()) meta.appName = fieldError('validation_required', 'Cannot be blank.');
  else if (s.meta.appName.length > 255) meta.appName = fieldError('validation_length_too_long', 'The length must be no more than 255.');
  if (!s.meta.appURL.trim()) meta.appURL = fieldError('validation_required', 'Cannot be blank.');
  else if (!isUrl(s.meta.appURL)) meta.appURL = fieldError('validation_is_url', 'Must be a valid URL.');
  if (!s.meta.senderName.trim()) meta.senderName = fieldError('validation_required', 'Cannot be blank.');
  if (!s.meta.senderAddress.trim()) meta.senderAddress = fieldError('validation_required', 'Cannot be blank.');
  if (Object.keys(meta).length) errors.meta = meta;

  const batch: ErrorData = {};
  if (s.batch.enabled) {
    if (!(s.batch.maxRequests > 0)) batch.maxRequests = fieldError('validation_required', 'Cannot be blank.');
    if (!(s.batch.timeout > 0)) batch.timeout = fieldError('validation_required', 'Cannot be blank.');
  }
  if (s.batch.maxBodySize < 0) batch.maxBodySize = fieldError('validation_min_greater_equal_than_required', 'Must be no less than 0.');
  if (Object.keys(batch).length) errors.batch = batch;

  const rules: ErrorData = {};
  s.rateLimits.rules.forEach((r, i) => {
    const re: ErrorData = {};
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      rules[String(i)] = fieldError('validation_invalid_value', 'Invalid rate limit rule.');
      return;
    }
    if (typeof r.label !== 'string' || !LABEL_RE.test(r.label)) re.label = fieldError('validation_invalid_rate_limit_label', 'Invalid rate limit label.');
    if (!['', '@guest', '@auth'].includes(r.audience)) re.audience = fieldError('validation_in_invalid', 'Must be a valid value.');
    if (!Number.isInteger(r.duration) || r.duration < 1) re.duration = fieldError('validation_min_greater_equal_than_required', 'Must be no less than 1.');
    if (!Number.isInteger(r.maxRequests) || r.maxRequests < 1) re.maxRequests = fieldError('validation_min_greater_equal_than_required', 'Must be no less than 1.');
    if (Object.keys(re).length) rules[String(i)] = re;
  });
  if (Object.keys(rules).length) errors.rateLimits = { rules };

  const headers: ErrorData = {};
  s.trustedProxy.headers.forEach((h, i) => {
    if (typeof h !== 'string' || !/^[\w-]+$/.test(h)) headers[String(i)] = fieldError('validation_invalid_value', 'Invalid header name.');
  });
  if (Object.keys(headers).length) errors.trustedProxy = { headers };

  if (!Number.isInteger(s.logs.maxDays) || s.logs.maxDays < 0) errors.logs = { maxDays: fieldError('validation_min_greater_equal_than_required', 'Must be no less than 0.') };

  if (Object.keys(errors).length) throw new ValidationError(errors, 'An error occurred while validating the submitted data.');
}

function isUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Loads and saves the settings row; keeps the parsed value in memory. */
export class SettingsStore {
  private current: Settings;

  constructor(private readonly db: SqliteConnection) {
    this.current = this.load();
  }

  /** The settings in force. */
  get(): Settings {
    return this.current;
  }

  /** Re-reads the row (after a rollback or a change by another process). */
  reload(): void {
    this.current = this.load();
  }

  /** Validates and persists new settings (call inside a write transaction). */
  save(next: Settings): void {
    validateSettings(next);
    const json = JSON.stringify(next);
    this.db.run(
      `INSERT INTO _params (id, value, created, updated) VALUES ('settings', ?, strftime('%Y-%m-%d %H:%M:%fZ'), strftime('%Y-%m-%d %H:%M:%fZ'))
       ON CONFLICT(id) DO UPDATE SET value = excluded.value, updated = excluded.updated`,
      [json],
    );
    this.current = next;
  }

  private load(): Settings {
    const row = this.db.get<{ value: string | null }>(`SELECT value FROM _params WHERE id = 'settings'`);
    const defaults = defaultSettings();
    if (!row?.value) return defaults;
    try {
      return mergeLenient(defaults, JSON.parse(row.value));
    } catch {
      return defaults;
    }
  }
}

// Stored settings from an older version may lack keys: fill them from the defaults.
function mergeLenient(defaults: Settings, stored: unknown): Settings {
  if (!isPlainObject(stored)) return defaults;
  const out = structuredClone(defaults) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(stored)) {
    const d = out[k];
    if (isPlainObject(d) && isPlainObject(v)) out[k] = { ...d, ...v };
    else if (k in out) out[k] = v;
  }
  return out as unknown as Settings;
}
