/**
 * The "file" field. Stored values are file names; a value may also carry PendingFile
 * entries (uploads of the current request), which the upload layer creates and turns into
 * plain names once the files are written.
 */
import type { FileField } from '../collection_model.js';
import { byteLength, runeCount, toUniqueStringSlice } from './cast.js';
import {
  errLength, errMatch, errMaxThreshold, errMinThreshold, errNotIn, errRequired, fieldError, type FieldError, type IndexedErrors,
} from './errors.js';
import { MAX_SAFE_JSON_INT } from './field_text.js';
import { goJsonMarshal } from './go_json.js';
import { multiColumn } from './multi_value.js';
import { BASE_SPEC, defaultFieldId, readOptions, validateBase } from './options.js';
import { goQuote } from './patterns.js';
import type { FieldHandler, FieldModifier } from './types.js';

/** The per-file size limit (bytes) when maxSize is 0: 5 MiB. */
export const DEFAULT_FILE_MAX_SIZE = 5 << 20;
/** Allowed thumb sizes: WxH, WxHt, WxHb, WxHf, 0xH, Wx0. */
export const THUMB_SIZE = /^(\d+)x(\d+)(t|b|f)?$/;
const ZERO_THUMBS = ['0x0', '0x0t', '0x0b', '0x0f'];
// PocketBase's looseFilenameRegex: no leading dot or separator, no separators at all.
const LOOSE_FILENAME = /^[^./\\][^/\\]+$/;
// Extra safety beyond PocketBase: control characters never make it into stored names.
const CONTROL_CHARS = /[\x00-\x1f\x7f]/;

/** A file uploaded in the current request, not yet written to storage. */
export class PendingFile {
  /** Set once the bytes were moved into storage (a second save of the record skips it). */
  stored = false;

  constructor(
    /** The generated storage name (`<snake_name>_<10 chars>.<ext>`). */
    readonly name: string,
    /** The client's file name (used in error messages). */
    readonly originalName: string,
    readonly size: number,
    /** The detected MIME type, e.g. "image/png". */
    readonly mimeType: string,
    /** Where the bytes wait until the record is saved (a temporary file). */
    readonly source = '',
  ) {}
}

/** One entry of a file value. */
export type FileEntry = string | PendingFile;
/** A single file field holds one entry ("" = none), a multi one a list. */
export type FileValue = FileEntry | FileEntry[];

const entryName = (e: FileEntry): string => (typeof e === 'string' ? e : e.name);
const multiple = (f: FileField): boolean => f.maxSelect > 1;

/** PocketBase's toSliceValue: entries from any input, unique by name. */
export function fileEntries(raw: unknown): FileEntry[] {
  let result: FileEntry[];
  if (raw === null || raw === undefined) result = [];
  else if (raw instanceof PendingFile) result = [raw];
  else if (Array.isArray(raw)) {
    result = [];
    // Items that do not cast to exactly one entry are dropped.
    for (const item of raw) {
      const casted = fileEntries(item);
      if (casted.length === 1) result.push(casted[0]);
    }
  } else result = toUniqueStringSlice(raw);
  const seen = new Set<string>();
  return result.filter((e) => {
    const name = entryName(e);
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

/** The file names of a value (pending uploads by their storage name). */
export function fileNames(value: unknown): string[] {
  return fileEntries(value).map(entryName);
}

/** The uploads of a value that still have to be written. */
export function pendingFiles(value: unknown): PendingFile[] {
  return fileEntries(value).filter((e): e is PendingFile => e instanceof PendingFile);
}

/** Names present in `original` but no longer in `current`: the files to delete after a save. */
export function removedFileNames(original: unknown, current: unknown): string[] {
  const kept = new Set(fileNames(current));
  return fileEntries(original).filter((e): e is string => typeof e === 'string' && !kept.has(e));
}

function normalize(field: FileField, raw: unknown): FileValue {
  const entries = fileEntries(raw);
  if (multiple(field)) return entries;
  return entries.length > 0 ? entries[entries.length - 1] : '';
}

/** The effective per-file byte limit. */
export function fileMaxSize(field: FileField): number {
  return field.maxSize <= 0 ? DEFAULT_FILE_MAX_SIZE : field.maxSize;
}

const cut = (s: string, max: number, suffix = ''): string =>
  byteLength(s) > max ? Buffer.from(s).subarray(0, max).toString('utf8') + suffix : s;

/** Checks a pending upload: name shape, size, MIME type. */
export function validateUpload(field: FileField, upload: PendingFile): FieldError | null {
  const n = runeCount(upload.name);
  if (n < 1 || n > 150) return errLength(1, 150);
  if (!LOOSE_FILENAME.test(upload.name) || CONTROL_CHARS.test(upload.name)) return errMatch();
  const maxSize = fileMaxSize(field);
  if (upload.size > maxSize) {
    return fieldError(
      'validation_file_size_limit', 'Failed to upload {{.file}} - the maximum allowed file size is {{.maxSize}} bytes.',
      { file: cut(upload.originalName, 300, '...'), maxSize },
    );
  }
  const types = field.mimeTypes ?? [];
  if (types.length > 0) {
    const detected = upload.mimeType.split(';')[0].trim().toLowerCase();
    if (!types.some((t) => t.split(';')[0].trim().toLowerCase() === detected)) {
      return fieldError('validation_invalid_mime_type', `${goQuote(upload.name)} mime type must be one of: ${types.join(', ')}.`);
    }
  }
  return null;
}

function modifyFiles(field: FileField, current: FileValue, modifier: FieldModifier, input: unknown): FileValue | undefined {
  const cur = fileEntries(current);
  const given = fileEntries(input);
  switch (modifier) {
    case 'append': return normalize(field, [...cur, ...given]);
    case 'prepend': return normalize(field, [...given, ...cur]);
    case 'subtract': {
      const drop = new Set(given.map(entryName));
      return normalize(field, cur.filter((e) => !drop.has(entryName(e))));
    }
    default: return undefined;
  }
}

function fileDefaults(name: string, id?: string): FileField {
  return {
    help: '', hidden: false, id: id ?? defaultFieldId('file', name), maxSelect: 0, maxSize: 0, mimeTypes: null, name,
    presentable: false, protected: false, required: false, system: false, thumbs: null, type: 'file',
  };
}

const SPEC = {
  ...BASE_SPEC, maxSize: 'int', maxSelect: 'int', mimeTypes: 'strings?', thumbs: 'strings?', protected: 'bool',
} as const;

/**
 * Handler of "file" fields. Plain names in a value must already be in the record's
 * stored value (you can keep or drop files by name, never point at new ones); new files
 * only come as PendingFile uploads.
 */
export const fileField: FieldHandler<FileField, FileValue> = {
  type: 'file',
  settable: true,
  defaults: fileDefaults,
  normalizeOptions: (raw) => readOptions(raw, fileDefaults('', ''), SPEC),
  validateOptions(field) {
    const errors = validateBase(field, {});
    for (const key of ['maxSelect', 'maxSize'] as const) {
      if (field[key] < 0) errors[key] = errMinThreshold(0);
      else if (field[key] > MAX_SAFE_JSON_INT) errors[key] = errMaxThreshold(MAX_SAFE_JSON_INT);
    }
    const thumbs: IndexedErrors = {};
    (field.thumbs ?? []).forEach((t, i) => {
      if (t === '') return;
      if (ZERO_THUMBS.includes(t)) thumbs[String(i)] = errNotIn();
      else if (!THUMB_SIZE.test(t)) thumbs[String(i)] = errMatch();
    });
    if (Object.keys(thumbs).length > 0) errors.thumbs = thumbs;
    return errors;
  },
  columnDefinition: (field) => multiColumn(multiple(field)),
  zeroValue: (field) => (multiple(field) ? [] : ''),
  fromDb: (field, raw) => normalize(field, raw),
  prepare: (field, input) => normalize(field, input),
  modify: modifyFiles,
  validateValue(field, value, ctx) {
    const entries = fileEntries(value);
    if (entries.length === 0) return field.required ? errRequired() : null;
    const known = new Set(fileNames(ctx.original).filter((n) => n !== ''));
    const invalidFiles = entries
      .filter((e): e is string => typeof e === 'string' && !known.has(e))
      .map((name) => cut(name, 250));
    if (invalidFiles.length > 0) {
      return fieldError('validation_invalid_file', 'Invalid new files: {{.invalidFiles}}.', { invalidFiles });
    }
    const maxSelect = Math.max(field.maxSelect, 1);
    if (entries.length > maxSelect) {
      return fieldError('validation_too_many_files', 'The maximum allowed files is {{.maxSelect}}', { maxSelect });
    }
    for (const upload of pendingFiles(entries)) {
      const err = validateUpload(field, upload);
      if (err) return err;
    }
    return null;
  },
  toDb(field, value) {
    const names = fileNames(value);
    if (multiple(field)) return goJsonMarshal(names) as string;
    return names.length > 0 ? names[names.length - 1] : '';
  },
  toJSON(field, value) {
    const names = fileNames(value);
    if (multiple(field)) return names;
    return names.length > 0 ? names[names.length - 1] : '';
  },
};
