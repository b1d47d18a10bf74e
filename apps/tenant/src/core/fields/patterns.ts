/** User-supplied regexps (text/password `pattern`, text `autogeneratePattern`) with Go semantics. */
import { fieldError, type FieldError } from './errors.js';
import { GoRegexp, RegexGenerateError, RegexpSyntaxError, randomStringByRegex } from './goregexp/index.js';

const cache = new Map<string, GoRegexp | null>();
const CACHE_LIMIT = 1000;

/** The compiled pattern (cached), or null when it does not compile. */
export function compilePattern(pattern: string): GoRegexp | null {
  let re = cache.get(pattern);
  if (re === undefined) {
    try {
      re = GoRegexp.compile(pattern);
    } catch (err) {
      if (!(err instanceof RegexpSyntaxError)) throw err;
      re = null;
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/** Go's regexp.MatchString(pattern, value): an invalid pattern never matches. */
export function matchesPattern(pattern: string, value: string): boolean {
  return compilePattern(pattern)?.test(value) ?? false;
}

/** PocketBase's validators.IsRegex: "" is fine, otherwise Go's compile error verbatim. */
export function validateRegex(pattern: string): FieldError | undefined {
  if (pattern === '') return undefined;
  try {
    GoRegexp.compile(pattern);
    return undefined;
  } catch (err) {
    if (err instanceof RegexpSyntaxError) return fieldError('validation_invalid_regex', err.message);
    throw err;
  }
}

/**
 * A random string for an autogenerate pattern, or the reason it cannot be generated
 * (Go's message, e.g. "unsupported pattern operator 9" for `^`).
 */
export function tryGenerateFromPattern(pattern: string): { value: string } | { error: string } {
  try {
    return { value: randomStringByRegex(pattern) };
  } catch (err) {
    if (err instanceof RegexpSyntaxError || err instanceof RegexGenerateError) return { error: err.message };
    throw err;
  }
}

/** Go's %q for the strings PocketBase quotes in messages. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** A random string for an autogenerate pattern; throws an Error with Go's message when it cannot be generated. */
export function generateFromPattern(pattern: string): string {
  const generated = tryGenerateFromPattern(pattern);
  if ('error' in generated) throw new Error(generated.error);
  return generated.value;
}
