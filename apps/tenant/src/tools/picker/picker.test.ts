import assert from 'node:assert/strict';
import { test } from 'node:test';
import { excerpt, pickFields, PickerError } from './picker.js';

test('pickFields: table of field selections', () => {
  const rec = { id: 'a', title: 'Hello', body: '<p>Some <b>long</b>   text here</p>', expand: { author: { id: 'u', name: 'N', email: 'e' } } };
  const cases: Array<[string, unknown]> = [
    ['id', { id: 'a' }],
    ['id,title', { id: 'a', title: 'Hello' }],
    ['*', rec],
    ['expand.author.name', { expand: { author: { name: 'N' } } }],
    ['id,expand.author.*', { id: 'a', expand: rec.expand }],
    ['body:excerpt(9,true)', { body: 'Some long...' }],
    ['body:excerpt(200)', { body: 'Some long text here' }],
    ['missing', {}],
  ];
  for (const [fields, want] of cases) assert.deepEqual(pickFields(rec, fields), want, fields);
});

test('pickFields: list results are picked inside items', () => {
  const list = { page: 1, perPage: 2, totalItems: 1, totalPages: 1, items: [{ id: 'a', x: 1 }] };
  assert.deepEqual(pickFields(list, 'id'), { page: 1, perPage: 2, totalItems: 1, totalPages: 1, items: [{ id: 'a' }] });
});

test('pickFields: bad modifiers throw PickerError', () => {
  for (const bad of ['id:nope', 'id:excerpt(0)', 'id:excerpt(x)', 'a..b']) {
    assert.throws(() => pickFields({ id: 1 }, bad), PickerError, bad);
  }
});

test('excerpt counts characters, not bytes', () => {
  assert.equal(excerpt('ééééé', 3, false), 'ééé');
});

test('htmlToText drops tags and script/style bodies, and stays linear on hostile input', async () => {
  const { htmlToText } = await import('./picker.js');
  assert.equal(htmlToText('<p>a<script>x<y</script>b <STYLE>c{}</style>c</p>'), 'a b c');
  assert.equal(htmlToText('a < b <i>c'), 'a < b c');
  assert.equal(htmlToText('x <b unclosed'), 'x');
  const hostile = '<script>'.repeat(50_000) + '<'.repeat(100_000);
  const t = performance.now();
  htmlToText(hostile);
  excerpt(hostile, 10, true);
  assert.ok(performance.now() - t < 500, `took ${performance.now() - t} ms`);
});
