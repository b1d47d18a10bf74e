/**
 * Random strings from a Go regexp, with the semantics of PocketBase's
 * security.RandomStringByRegex (used by text fields' autogeneratePattern).
 */
import { randomIndex } from '../../../tools/security/random.js';
import { GO_OP_NUMBER, type ReNode } from './ast.js';
import { foldOrbit } from './charclass.js';
import { parseGoRegexp } from './parse.js';

// Unbounded repetitions (*, +, {n,}) stop below this count, as in PocketBase.
const DEFAULT_MAX_REPEAT = 6;
// "." produces only letters and digits.
const ANY_CHAR_RANGES = [0x41, 0x5a, 0x61, 0x7a, 0x30, 0x39];

/** Why a pattern cannot produce random strings (PocketBase's error text). */
export class RegexGenerateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegexGenerateError';
  }
}

/**
 * Generates a random string matching `pattern`. Throws RegexpSyntaxError for invalid
 * syntax and RegexGenerateError for operators it cannot generate (anchors, \b, empty
 * matches), with the same messages PocketBase gives ("unsupported pattern operator 9").
 */
export function randomStringByRegex(pattern: string): string {
  const out: number[] = [];
  write(parseGoRegexp(pattern), out);
  return String.fromCodePoint(...out);
}

function write(node: ReNode, out: number[]): void {
  switch (node.op) {
    case 'literal':
      out.push(...node.runes);
      return;
    case 'charClass':
      out.push(randomRune(classForGeneration(node.ranges)));
      return;
    case 'anyChar':
    case 'anyCharNotNL':
      out.push(randomRune(ANY_CHAR_RANGES));
      return;
    case 'alternate':
      write(node.subs[randomIndex(node.subs.length)], out);
      return;
    case 'concat':
      for (const sub of node.subs) write(sub, out);
      return;
    case 'capture':
      write(node.sub, out);
      return;
    case 'repeat':
      repeat(node.sub, node.min, node.max, out);
      return;
    case 'quest':
      repeat(node.sub, 0, 1, out);
      return;
    case 'plus':
      repeat(node.sub, 1, -1, out);
      return;
    case 'star':
      repeat(node.sub, 0, -1, out);
      return;
    default:
      throw new RegexGenerateError(`unsupported pattern operator ${GO_OP_NUMBER[node.op]}`);
  }
}

function repeat(sub: ReNode, min: number, max: number, out: number[]): void {
  if (max < 0) max = DEFAULT_MAX_REPEAT;
  if (max < min) max = min;
  // Like PocketBase, the count is drawn from [min, max): max itself is never produced.
  const n = max === min ? min : min + randomIndex(max - min);
  for (let i = 0; i < n; i++) write(sub, out);
}

/**
 * Go's parser turns a two-rune class that is one case pair ([Aa], or [a] under (?i))
 * into a case-folded literal of its first rune, so PocketBase always emits that rune.
 */
function classForGeneration(ranges: number[]): number[] {
  if (ranges.length === 4 && ranges[0] === ranges[1] && ranges[2] === ranges[3]) {
    const orbit = foldOrbit(ranges[0]);
    if (orbit && orbit.length === 2 && orbit.includes(ranges[2])) return [ranges[0], ranges[0]];
  }
  return ranges;
}

function randomRune(ranges: number[]): number {
  let total = 0;
  for (let i = 0; i < ranges.length; i += 2) total += ranges[i + 1] - ranges[i] + 1;
  if (total === 0) throw new RegexGenerateError('no runes to choose from');
  let k = randomIndex(total);
  for (let i = 0; i < ranges.length; i += 2) {
    const size = ranges[i + 1] - ranges[i] + 1;
    if (k < size) return ranges[i] + k;
    k -= size;
  }
  throw new RegexGenerateError('no runes to choose from');
}
