/**
 * Content type detection from a file's first bytes (the type is never taken from the
 * client's word): the common web formats by their magic numbers, then SVG/HTML/JSON/plain
 * text by looking at the text, else application/octet-stream. Types are named as
 * PocketBase's detector names them (e.g. "text/plain; charset=utf-8").
 */

/** How many leading bytes detection looks at. */
export const SNIFF_BYTES = 3072;

/** A detected type and the extension that goes with it ("" when none). */
export interface DetectedType {
  mime: string;
  ext: string;
}

const OCTET_STREAM: DetectedType = { mime: 'application/octet-stream', ext: '' };

const startsWith = (b: Buffer, sig: readonly number[], offset = 0): boolean =>
  b.length >= offset + sig.length && sig.every((v, i) => b[offset + i] === v);
const ascii = (b: Buffer, from: number, to: number): string => b.subarray(from, to).toString('latin1');

interface Signature {
  test(b: Buffer): boolean;
  type: DetectedType;
}

const SIGNATURES: Signature[] = [
  { test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), type: { mime: 'image/png', ext: '.png' } },
  { test: (b) => startsWith(b, [0xff, 0xd8, 0xff]), type: { mime: 'image/jpeg', ext: '.jpg' } },
  { test: (b) => ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a', type: { mime: 'image/gif', ext: '.gif' } },
  { test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP', type: { mime: 'image/webp', ext: '.webp' } },
  { test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WAVE', type: { mime: 'audio/wav', ext: '.wav' } },
  { test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'AVI ', type: { mime: 'video/x-msvideo', ext: '.avi' } },
  { test: (b) => ascii(b, 0, 2) === 'BM' && b.length >= 14, type: { mime: 'image/bmp', ext: '.bmp' } },
  { test: (b) => startsWith(b, [0x00, 0x00, 0x01, 0x00]), type: { mime: 'image/x-icon', ext: '.ico' } },
  { test: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]), type: { mime: 'image/tiff', ext: '.tiff' } },
  { test: (b) => ascii(b, 4, 12) === 'ftypavif', type: { mime: 'image/avif', ext: '.avif' } },
  { test: (b) => ascii(b, 4, 12) === 'ftypheic' || ascii(b, 4, 12) === 'ftypheix', type: { mime: 'image/heic', ext: '.heic' } },
  { test: (b) => ascii(b, 4, 10) === 'ftypqt', type: { mime: 'video/quicktime', ext: '.mov' } },
  { test: (b) => ascii(b, 4, 8) === 'ftyp', type: { mime: 'video/mp4', ext: '.mp4' } },
  { test: (b) => startsWith(b, [0x1a, 0x45, 0xdf, 0xa3]), type: { mime: 'video/webm', ext: '.webm' } },
  { test: (b) => ascii(b, 0, 3) === 'ID3' || startsWith(b, [0xff, 0xfb]) || startsWith(b, [0xff, 0xf3]), type: { mime: 'audio/mpeg', ext: '.mp3' } },
  { test: (b) => ascii(b, 0, 4) === 'OggS', type: { mime: 'audio/ogg', ext: '.ogg' } },
  { test: (b) => ascii(b, 0, 4) === 'fLaC', type: { mime: 'audio/flac', ext: '.flac' } },
  { test: (b) => ascii(b, 0, 5) === '%PDF-', type: { mime: 'application/pdf', ext: '.pdf' } },
  { test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06]), type: { mime: 'application/zip', ext: '.zip' } },
  { test: (b) => startsWith(b, [0x1f, 0x8b, 0x08]), type: { mime: 'application/gzip', ext: '.gz' } },
  { test: (b) => startsWith(b, [0x28, 0xb5, 0x2f, 0xfd]), type: { mime: 'application/zstd', ext: '.zst' } },
  { test: (b) => ascii(b, 0, 6) === '7z\xbc\xaf\x27\x1c', type: { mime: 'application/x-7z-compressed', ext: '.7z' } },
  { test: (b) => ascii(b, 257, 262) === 'ustar', type: { mime: 'application/x-tar', ext: '.tar' } },
  { test: (b) => ascii(b, 0, 16) === 'SQLite format 3\0', type: { mime: 'application/vnd.sqlite3', ext: '.sqlite' } },
  { test: (b) => startsWith(b, [0x00, 0x61, 0x73, 0x6d]), type: { mime: 'application/wasm', ext: '.wasm' } },
  { test: (b) => ascii(b, 0, 4) === 'wOFF', type: { mime: 'font/woff', ext: '.woff' } },
  { test: (b) => ascii(b, 0, 4) === 'wOF2', type: { mime: 'font/woff2', ext: '.woff2' } },
];

// Valid UTF-8 without NUL bytes (a cut multi-byte sequence at the very end is allowed).
function looksLikeText(b: Buffer, complete: boolean): boolean {
  if (b.includes(0)) return false;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    decoder.decode(b, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

function textType(b: Buffer, complete: boolean): DetectedType | undefined {
  if (!looksLikeText(b, complete)) return undefined;
  const text = b.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  const lower = text.slice(0, 512).toLowerCase();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype svg[^>]*>\s*)?<svg[\s>]/.test(lower)) return { mime: 'image/svg+xml', ext: '.svg' };
  if (/^(<!doctype html|<html[\s>]|<head[\s>]|<script[\s>]|<body[\s>]|<iframe[\s>])/.test(lower)) return { mime: 'text/html; charset=utf-8', ext: '.html' };
  if (lower.startsWith('<?xml')) return { mime: 'text/xml; charset=utf-8', ext: '.xml' };
  if (complete && /^[[{]/.test(text)) {
    try {
      JSON.parse(text);
      return { mime: 'application/json', ext: '.json' };
    } catch {
      // plain text that starts with a bracket
    }
  }
  return { mime: 'text/plain; charset=utf-8', ext: '.txt' };
}

/**
 * The type of a file from its first bytes; `complete` says the buffer is the whole file
 * (JSON is only recognised then).
 */
export function detectType(head: Buffer, complete: boolean): DetectedType {
  if (head.length === 0) return { mime: 'text/plain', ext: '.txt' };
  for (const s of SIGNATURES) if (s.test(head)) return s.type;
  return textType(head, complete) ?? OCTET_STREAM;
}

/** "image/png; q=1" -> "image/png". */
export function baseMimeType(mime: string): string {
  return mime.split(';')[0].trim().toLowerCase();
}

/** Types served inline (shown by the browser); anything else is sent as an attachment. */
const INLINE_TYPES = new Set([
  'image/png', 'image/jpg', 'image/jpeg', 'image/gif', 'image/webp', 'image/x-icon', 'image/bmp', 'image/avif',
  'video/webm', 'video/mp4', 'video/3gpp', 'video/quicktime', 'video/x-ms-wmv',
  'audio/basic', 'audio/aiff', 'audio/mpeg', 'audio/midi', 'audio/mp3', 'audio/wave', 'audio/wav', 'audio/x-wav',
  'audio/x-mpeg', 'audio/x-m4a', 'audio/aac', 'audio/ogg', 'audio/flac',
  'application/pdf', 'application/x-pdf',
]);

/** Whether a file of this type may be shown inline. */
export function isInlineType(mime: string): boolean {
  return INLINE_TYPES.has(baseMimeType(mime));
}

/** Extensions whose type content detection cannot tell apart from plain text. */
const BY_EXTENSION: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
};

/** The Content-Type to serve a stored file with. */
export function servedContentType(name: string, detected: DetectedType): string {
  const dot = name.lastIndexOf('.');
  const byExt = dot >= 0 ? BY_EXTENSION[name.slice(dot).toLowerCase()] : undefined;
  return byExt ?? detected.mime;
}
