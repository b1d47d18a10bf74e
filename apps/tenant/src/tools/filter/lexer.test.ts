import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterError } from './errors.js';
import { Scanner, tokenize, type Token } from './lexer.js';

/** Compact rendering of a token: `kind:literal`, functions as `fn:name(arg; arg)`. */
function show(t: Token): string {
  if (t.kind === 'function') return `fn:${t.literal}(${(t.args ?? []).map(show).join('; ')})`;
  return `${t.kind}:${t.literal}`;
}

const VALID: [string, string[]][] = [
  ['', []],
  ['   \t\n', ['whitespace:   \t\n']],
  ['test 123', ['identifier:test', 'whitespace: ', 'number:123']],
  ['@request.auth.id', ['identifier:@request.auth.id']],
  ['@collection.posts:alias.title', ['identifier:@collection.posts:alias.title']],
  ['tags:each tags:length name:lower f:isset f:changed', [
    'identifier:tags:each', 'whitespace: ', 'identifier:tags:length', 'whitespace: ', 'identifier:name:lower',
    'whitespace: ', 'identifier:f:isset', 'whitespace: ', 'identifier:f:changed',
  ]],
  ['_test_a.123 #x.1:2', ['identifier:_test_a.123', 'whitespace: ', 'identifier:#x.1:2']],
  ['-123.456', ['number:-123.456']],
  ['12-3', ['number:12', 'number:-3']],
  ['-.5', ['number:-.5']],
  ['007', ['number:007']],
  [`''`, ['text:']],
  [`'te\\'st'`, [`text:te'st`]],
  [`"te\\"st"`, ['text:te"st']],
  [`"mixed 'quotes'"`, [`text:mixed 'quotes'`]],
  [`'a\\nb\\tc\\rd\\\\e\\qf'`, ['text:a\nb\tc\rd\\e\\qf']],
  [`'||x&&'&&1`, ['text:||x&&', 'join:&&', 'number:1']],
  ['= != ~ !~ > >= < <=', ['sign:=', 'whitespace: ', 'sign:!=', 'whitespace: ', 'sign:~', 'whitespace: ', 'sign:!~',
    'whitespace: ', 'sign:>', 'whitespace: ', 'sign:>=', 'whitespace: ', 'sign:<', 'whitespace: ', 'sign:<=']],
  ['?= ?!= ?~ ?!~ ?> ?>= ?< ?<=', ['sign:?=', 'whitespace: ', 'sign:?!=', 'whitespace: ', 'sign:?~', 'whitespace: ',
    'sign:?!~', 'whitespace: ', 'sign:?>', 'whitespace: ', 'sign:?>=', 'whitespace: ', 'sign:?<', 'whitespace: ', 'sign:?<=']],
  ['&& ||', ['join:&&', 'whitespace: ', 'join:||']],
  ['//   c1 //c2  ', ['comment:c1 //c2']],
  ['///x\ny', ['comment:/x', 'identifier:y']],
  ['(a b c)', ['group:a b c']],
  ['((a b) c)', ['group:(a b) c']],
  [`("ab)("c)`, [`group:"ab)("c`]],
  [`('a\\'(')`, [`group:'a\\'('`]],
  ['( f(1, 2) )', ['group: f(1, 2) ']],
  ['test()', ['fn:test()']],
  ['@a.b:c()', ['fn:@a.b:c()']],
  [`f(  a.b:c , 123, "ab)c", 'd,e', false, )`, ['fn:f(identifier:a.b:c; number:123; text:ab)c; text:d,e; identifier:false)']],
  ['f(a //c\n, b)', ['fn:f(identifier:a; identifier:b)']],
  ['a(b(c(1)), d)', ['fn:a(fn:b(fn:c(number:1)); identifier:d)']],
  [`'é😀'`, ['text:é😀']],
];

const INVALID: [string, string][] = [
  ['@', 'invalid identifier "@"'],
  ['_', 'invalid identifier "_"'],
  ['test:', 'invalid identifier "test:"'],
  ['test.', 'invalid identifier "test."'],
  ['.test', "unexpected character '.'"],
  ['é', "unexpected character 'é'"],
  ['a\rb', "unexpected character '\\r'"],
  ['\x01', "unexpected character '\\x01'"],
  [')', "unexpected character ')'"],
  ['12.34.56', "unexpected character '.'"],
  ['-', 'invalid number "-"'],
  ['- 1', 'invalid number "-"'],
  ['123.abc', 'invalid number "123."'],
  [`'abc`, `invalid quoted text "'abc"`],
  [`"abc\\"`, `invalid quoted text "\\"abc\\""`],
  [`'a\\\\\\'`, `invalid quoted text "'a\\\\'"`],
  ['=!=', 'invalid sign operator "=!="'],
  ['==', 'invalid sign operator "=="'],
  ['?', 'invalid sign operator "?"'],
  ['&&||', 'invalid join operator "&&||"'],
  ['&', 'invalid join operator "&"'],
  ['/ x', 'invalid comment'],
  ['(a b', 'invalid formatted group - missing 1 closing bracket(s)'],
  ['((a b', 'invalid formatted group - missing 2 closing bracket(s)'],
  [`("ab)(c)`, `invalid quoted text "\\"ab)(c)"`],
  ['f(a, b', `invalid or incomplete function "f" (expected ')')`],
  ['f(a,,)', 'unexpected comma in function "f"'],
  ['f(,a)', 'unexpected comma in function "f"'],
  ['f(a b)', 'expected comma after the last argument in function "f"'],
  ['f(a //c)', `invalid or incomplete function "f" (expected ')')`],
  ['f(a / c)', 'failed to scan comment in function "f": invalid comment'],
  ['f((a))', `unsupported argument character '(' in function "f"`],
  ['f(a.)', 'invalid identifier argument "a." in function "f": invalid identifier "a."'],
  ['f(1.)', 'invalid number argument "1." in function "f": invalid number "1."'],
  [`f('x)`, `invalid text argument "'x)" in function "f": invalid quoted text "'x)"`],
  ['a.()', 'invalid function name "a."'],
  ['a(b(c(d(1))))', 'invalid identifier argument "b" in function "a": invalid identifier argument "c" in function "b": ' +
    'invalid identifier argument "d" in function "c": max nested function arguments reached (max: 3)'],
];

describe('lexer', () => {
  for (const [input, expected] of VALID) {
    it(`scans ${JSON.stringify(input)}`, () => {
      assert.deepEqual(tokenize(input).map(show), expected);
    });
  }

  for (const [input, message] of INVALID) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => tokenize(input), (e: unknown) => e instanceof FilterError && e.message === message);
    });
  }

  it('returns tokens one at a time and null at the end', () => {
    const s = new Scanner('a=1');
    assert.deepEqual([s.next(), s.next(), s.next(), s.next()].map((t) => (t ? show(t) : null)), [
      'identifier:a', 'sign:=', 'number:1', null,
    ]);
  });
});
