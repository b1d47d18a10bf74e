import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GoRegexp, RegexpSyntaxError, RegexGenerateError, randomStringByRegex } from './index.js';
import { nfaMatch } from './nfa.js';
import { parseGoRegexp } from './parse.js';
import { compileProgram } from './program.js';

// Expected results were produced by Go's regexp package (go1.25) on the same inputs.
describe('GoRegexp.compile errors (Go messages)', () => {
  const cases: Array<[string, string]> = [
    ['[a-', 'missing closing ]: `[a-`'],
    ['(?=a)', 'invalid or unsupported Perl syntax: `(?=`'],
    ['(?<=a)', 'invalid named capture: `(?<=a)`'],
    ['a)', 'unexpected ): `a)`'],
    ['(a', 'missing closing ): `(a`'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['a{2}{3}', 'invalid nested repetition operator: `{2}{3}`'],
    ['*a', 'missing argument to repetition operator: `*`'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
    ['a{2,1}', 'invalid repeat count: `{2,1}`'],
    ['(a{100}){100}', 'invalid repeat count: `{100}`'],
    ['\\Z', 'invalid escape sequence: `\\Z`'],
    ['\\1', 'invalid escape sequence: `\\1`'],
    ['\\x{110000}', 'invalid escape sequence: `\\x{110000`'],
    ['[z-a]', 'invalid character class range: `z-a`'],
    ['[[:foo:]]', 'invalid character class range: `[:foo:]`'],
    ['\\p{Foo}', 'invalid character class range: `\\p{Foo}`'],
    ['a\\', 'trailing backslash at end of expression: ``'],
    ['(?P<>a)', 'invalid named capture: `(?P<>`'],
    ['(?i-)', 'invalid or unsupported Perl syntax: `(?i-)`'],
  ];
  for (const [pattern, message] of cases) {
    it(JSON.stringify(pattern), () => {
      assert.throws(() => GoRegexp.compile(pattern), (err: unknown) => {
        assert.ok(err instanceof RegexpSyntaxError);
        assert.equal(err.message, `error parsing regexp: ${message}`);
        return true;
      });
    });
  }

  it('accepts what Go accepts', () => {
    for (const p of ['a{', 'a{,2}', '{', 'a{01}', '(?<n>a)(?<n>b)', '(?i)', '()', 'x*?', '[]a]', '\\Qa.b']) {
      assert.doesNotThrow(() => GoRegexp.compile(p), p);
    }
  });
});

describe('GoRegexp.test (RE2 semantics)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['^[a-z0-9]+$', 'abc123', true],
    ['^[a-z0-9]+$', 'abc-123', false],
    ['a+b', 'xxaab', true], // unanchored search
    ['^bar$', 'foo\nbar', false], // $ is end of text without (?m)
    ['(?m)^bar$', 'foo\nbar', true],
    ['foo.bar', 'foo\nbar', false],
    ['(?s)foo.bar', 'foo\nbar', true],
    ['(?i)k', '\u212a', true], // Kelvin sign folds to k
    ['(?i)\u017f', 'S', true], // long s folds to s
    ['(?i)i', '\u0131', false], // dotless i does not
    ['\\w+', 'é', false], // \w is ASCII
    ['\\pL', 'é', true],
    ['\\p{Greek}', 'σ', true],
    ['[[:alpha:]]', 'é', false],
    ['\\bfoo\\b', 'a foo b', true],
    ['^\\s*$', '\u00a0', false], // \s is [\t\n\f\r ]
    ['a{2,3}', 'aa', true],
    ['^a{2,3}$', 'aaaa', false],
    ['\\x{1F600}', '😀', true],
    ['^.$', '😀', true], // one rune
    ['a{', 'a{', true], // literal brace
  ];
  for (const [pattern, input, expected] of cases) {
    it(`${JSON.stringify(pattern)} ~ ${JSON.stringify(input)}`, () => {
      assert.equal(GoRegexp.compile(pattern).test(input), expected);
    });
  }

  it('the cached DFA agrees with plain NFA simulation on random patterns and inputs', () => {
    // Deterministic pseudo-random generator so failures reproduce.
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const atoms = ['a', 'b', '.', '[ab]', '[^a]', '\\w', '\\b', '^', '$', '(?i)k', '(?m)^', '\\n', 'é', '😀', '\\B'];
    const ops = ['', '', '*', '+', '?', '{1,2}'];
    const alphabet = ['a', 'b', 'K', '\u212a', ' ', '\n', 'é', '😀', '_'];
    for (let i = 0; i < 300; i++) {
      let pattern = '';
      for (let k = 0, n = 1 + rnd(4); k < n; k++) {
        pattern += rnd(5) === 0 ? `(${atoms[rnd(atoms.length)]}|${atoms[rnd(atoms.length)]})${ops[rnd(ops.length)]}` : atoms[rnd(atoms.length)] + ops[rnd(ops.length)];
      }
      const re = GoRegexp.compile(pattern);
      const prog = compileProgram(parseGoRegexp(pattern), pattern);
      for (let j = 0; j < 10; j++) {
        let input = '';
        for (let k = 0, n = rnd(6); k < n; k++) input += alphabet[rnd(alphabet.length)];
        assert.equal(re.test(input), nfaMatch(prog, Array.from(input, (ch) => ch.codePointAt(0) as number)), `${pattern} ~ ${JSON.stringify(input)}`);
      }
    }
  });

  it('stays linear on patterns that make backtracking engines explode', () => {
    const started = Date.now();
    assert.equal(GoRegexp.compile('^(a+)+$').test(`${'a'.repeat(20000)}!`), false);
    assert.ok(Date.now() - started < 2000);
  });
});

describe('randomStringByRegex (PocketBase semantics)', () => {
  it('matches simple id-like patterns', () => {
    for (const p of ['[a-z0-9]{15}', '[a-zA-Z0-9]{50}', 'abc-[0-9]{3}', '(x|y)[A-F]{2,4}', '\\d{5}']) {
      const re = GoRegexp.compile(`^(?:${p})$`);
      for (let i = 0; i < 20; i++) {
        const s = randomStringByRegex(p);
        assert.ok(re.test(s), `${p} -> ${s}`);
      }
    }
    assert.equal(randomStringByRegex('[a-z0-9]{15}').length, 15);
  });

  it('draws counts from [min, max) like PocketBase: "?" never emits, "+" gives 1..5', () => {
    for (let i = 0; i < 50; i++) {
      assert.equal(randomStringByRegex('a?'), '');
      const n = randomStringByRegex('b+').length;
      assert.ok(n >= 1 && n <= 5);
      const m = randomStringByRegex('c{2,4}').length;
      assert.ok(m === 2 || m === 3);
    }
  });

  it('emits only letters and digits for "."', () => {
    for (let i = 0; i < 50; i++) assert.match(randomStringByRegex('.'), /^[A-Za-z0-9]$/);
  });

  it('keeps the first rune of a case pair class, as Go parses [Aa] into a literal', () => {
    assert.equal(randomStringByRegex('[Aa]{8}'), 'AAAAAAAA');
  });

  // Verified on PocketBase: "Unsupported pattern operator 9." etc.
  const unsupported: Array<[string, number]> = [['^[a-z]+$', 9], ['\\bx', 11], ['()', 2], ['x$', 10], ['(?m)^x', 7]];
  for (const [pattern, op] of unsupported) {
    it(`rejects ${pattern} with operator ${op}`, () => {
      assert.throws(() => randomStringByRegex(pattern), (err: unknown) => {
        assert.ok(err instanceof RegexGenerateError);
        assert.equal(err.message, `unsupported pattern operator ${op}`);
        return true;
      });
    });
  }
});
