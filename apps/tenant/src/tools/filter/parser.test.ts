import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterError } from './errors.js';
import { parseAst, type FilterItem, type Group, type Operand } from './parser.js';

/** Compact rendering of an AST: groups in parentheses, each item prefixed by its join (first one omitted). */
function show(g: Group): string {
  return g.items.map((item: FilterItem, i) => (i === 0 ? '' : ` ${item.join} `) + showNode(item)).join('');
}

function showNode(item: FilterItem): string {
  const n = item.node;
  if (n.kind === 'group') return `(${show(n)})`;
  return `${showOperand(n.left)} ${n.op} ${showOperand(n.right)}`;
}

function showOperand(o: Operand): string {
  switch (o.kind) {
    case 'identifier':
      return o.name;
    case 'text':
      return JSON.stringify(o.value);
    case 'number':
      return `#${o.value}`;
    case 'function':
      return `${o.name}(${o.args.map(showOperand).join(', ')})`;
  }
}

const VALID: [string, string][] = [
  ['a = 1', 'a = #1'],
  ['a=1&&b!="x"||c?~\'y\'', 'a = #1 && b != "x" || c ?~ "y"'],
  ['  a >= -1.5 // comment\n && @request.auth.id != ""', 'a >= #-1.5 && @request.auth.id != ""'],
  ['(a = 1 || b = 2) && c = 3', '(a = #1 || b = #2) && c = #3'],
  ['a = 1 || (b = 2 && (c = 3))', 'a = #1 || (b = #2 && (c = #3))'],
  ['((a = 1))', '((a = #1))'],
  ['"x" = a', '"x" = a'],
  ['1 < 2', '#1 < #2'],
  ['geoDistance(lon, lat, 1, -2.5) < 10', 'geoDistance(lon, lat, #1, #-2.5) < #10'],
  ["strftime('%Y', created) = '2024'", 'strftime("%Y", created) = "2024"'],
  ['f(g(h(1))) = x', 'f(g(h(#1))) = x'],
  // fexpr accepts a group right after an expression and joins it with the last join operator
  ['(a = 1) (b = 2)', '(a = #1) && (b = #2)'],
  ['a = 1 || b = 2 (c = 3)', 'a = #1 || b = #2 || (c = #3)'],
  ['a = 007', 'a = #7'],
  ['a = ' + '9'.repeat(400), 'a = #0'],
  ["(a = 'x)') && b = 1", '(a = "x)") && b = #1'],
];

const INVALID: [string, string][] = [
  ['', 'empty filter expression'],
  ['   // nothing here', 'empty filter expression'],
  ['()', 'empty filter expression'],
  ['a', 'invalid or incomplete filter expression'],
  ['a =', 'invalid or incomplete filter expression'],
  ['a = 1 &&', 'invalid or incomplete filter expression'],
  ['&& a = 1', 'expected left operand (identifier, function, text or number), got "&&" (join)'],
  ['= 1', 'expected left operand (identifier, function, text or number), got "=" (sign)'],
  ['a b', 'expected a sign operator, got "b" (identifier)'],
  ['a = = 1', 'expected right operand (identifier, function text or number), got "=" (sign)'],
  ['a = 1 b = 2', 'expected && or ||, got "b" (identifier)'],
  ['a = 1 && && b = 2', 'expected left operand (identifier, function, text or number), got "&&" (join)'],
  ['(a = 1', 'invalid formatted group - missing 1 closing bracket(s)'],
  ['a = 1)', "unexpected character ')'"],
  ['(a = 1 // note )\n)', "unexpected character ')'"],
  ["(a = 1 // don't\n)", `invalid quoted text "'t\\n)"`],
  ['(a = 1) && ()', 'empty filter expression'],
  ['(a =)', 'invalid or incomplete filter expression'],
  // deliberate deviation: fexpr silently drops `a =` / `a` before a group
  ['a = (b = 1)', 'expected right operand (identifier, function text or number), got "b = 1" (group)'],
  ['a (b = 1)', 'expected a sign operator, got "b = 1" (group)'],
  ['geoDistance (1, 2, 3, 4) < 1', 'expected a sign operator, got "1, 2, 3, 4" (group)'],
];

describe('parser', () => {
  for (const [input, expected] of VALID) {
    it(`parses ${JSON.stringify(input.slice(0, 60))}`, () => {
      assert.equal(show(parseAst(input)), expected);
    });
  }

  for (const [input, message] of INVALID) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseAst(input), (e: unknown) => e instanceof FilterError && e.message === message);
    });
  }

  it('keeps the raw number literal beside its value', () => {
    const item = parseAst('a = -0.50').items[0].node;
    assert.equal(item.kind, 'comparison');
    if (item.kind === 'comparison') assert.deepEqual(item.right, { kind: 'number', value: -0.5, raw: '-0.50' });
  });

  it('limits group nesting', () => {
    const nested = (n: number) => '('.repeat(n) + 'a = 1' + ')'.repeat(n);
    assert.equal(show(parseAst(nested(4), { maxDepth: 5 })), '((((a = #1))))');
    assert.throws(() => parseAst(nested(5), { maxDepth: 5 }), /max nested groups depth reached \(max: 5\)/);
    assert.throws(() => parseAst(nested(5000)), /max nested groups depth reached \(max: 100\)/);
  });
});
