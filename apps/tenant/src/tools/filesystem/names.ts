/**
 * Storage names for uploaded files, as PocketBase makes them: the client's name in
 * snake_case (at most 100 characters, padded with randomness when shorter than 3), a
 * random 10-character suffix and the cleaned extension (detected from the content when the
 * name has none), e.g. "My Photo.png" -> "my_photo_k3j5d8s9a1.png".
 */
import { ALPHANUMERIC_LOWER, randomString } from '../security/random.js';

const EXT_INVALID_CHARS = /[^\w.*\-+=#]+/g;
const SNAKE_SPLIT = /[^A-Za-z0-9]+/;
const UPPER = /[A-Z]/;

/**
 * The extension of a name with its dot, including a secondary one (".tar.gz"); "" when the
 * name has no dot.
 */
export function extractExtension(name: string): string {
  const primary = name.lastIndexOf('.');
  if (primary === -1) return '';
  const secondary = name.lastIndexOf('.', primary - 1);
  return secondary >= 0 ? name.slice(secondary) : name.slice(primary);
}

/** snake_case over ASCII words: "helloWorld Foo" -> "hello_world_foo"; non-ASCII separates words. */
export function snakeCase(text: string): string {
  const words: string[] = [];
  for (const word of text.split(SNAKE_SPLIT)) {
    if (word === '') continue;
    let out = '';
    for (let i = 0; i < word.length; i++) {
      const c = word[i];
      if (i > 0 && UPPER.test(c) && !UPPER.test(word[i - 1])) out += '_';
      out += c;
    }
    words.push(out);
  }
  return words.join('_').toLowerCase();
}

/**
 * The storage name of an upload called `original` by the client; `detectedExt` (with its
 * dot, or "") stands in when the name has no usable extension.
 */
export function storageFileName(original: string, detectedExt: string): string {
  const originalExt = extractExtension(original);
  let ext = originalExt.replace(EXT_INVALID_CHARS, '');
  if (ext === '') ext = detectedExt;
  if (ext.length > 20) ext = `.${ext.slice(-20)}`;
  let base = snakeCase(original.slice(0, original.length - originalExt.length));
  if (base.length < 3) base += randomString(10, ALPHANUMERIC_LOWER);
  else if (base.length > 100) base = base.slice(0, 100);
  return `${base}_${randomString(10, ALPHANUMERIC_LOWER)}${ext}`;
}
