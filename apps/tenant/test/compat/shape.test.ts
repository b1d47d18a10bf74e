/** Unit tests for the shape recorder and the step comparison used by compat.test.ts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareStep } from './compare.js';
import { errorCodes, type StepRecord } from './scenario.js';
import { diffShapes, shapeOf } from './shape.js';

test('shapeOf keeps keys and types, drops values', () => {
  assert.deepEqual(shapeOf({ id: 'abc', n: 1, ok: true, none: null, list: [], nested: { d: '' } }), {
    id: 'string',
    list: [],
    n: 'number',
    nested: { d: 'string' },
    none: 'null',
    ok: 'boolean',
  });
});

test('array elements merge into one shape; keys some elements lack become optional', () => {
  const shape = shapeOf([{ a: 1, e: { x: 'y' } }, { a: null }, { a: 2, b: [1] }]);
  assert.deepEqual(shape, [{ a: 'null|number', 'b?': ['number'], 'e?': { x: 'string' } }]);
});

test('mixed containers and primitives become $anyOf', () => {
  assert.deepEqual(shapeOf([null, { k: 1 }]), [{ $anyOf: ['null', { k: 'number' }] }]);
  assert.deepEqual(shapeOf([[], ['a']]), [['string']]);
  // Merging more elements keeps one flat $anyOf.
  assert.deepEqual(shapeOf([{ k: 1 }, null, { k: 2, j: 's' }, null, [1]]), [
    { $anyOf: ['null', ['number'], { 'j?': 'string', k: 'number' }] },
  ]);
});

test('diffShapes names the path and both sides', () => {
  const left = shapeOf({ items: [{ id: 'x', expand: { author: { name: 'A' } } }], page: 1 });
  const right = shapeOf({ items: [{ id: 1, expand: {} }], page: 1, extra: true });
  assert.deepEqual(diffShapes(left, right), [
    { path: 'extra', left: '<missing>', right: '"boolean"' },
    { path: 'items[].expand.author', left: '{"name":"string"}', right: '<missing>' },
    { path: 'items[].id', left: '"string"', right: '"number"' },
  ]);
  assert.deepEqual(diffShapes(shapeOf([{ a: 1 }, {}]), shapeOf([{ a: 1 }])), [
    { path: '[].a', left: 'present in some elements only', right: 'always present' },
  ]);
});

test('errorCodes flattens nested validation codes', () => {
  const data = {
    title: { code: 'validation_required', message: 'Cannot be blank.' },
    requests: { '1': { code: 'batch_request_failed', response: { data: { x: { code: 'c' } } } } },
  };
  assert.deepEqual(errorCodes(data), {
    title: 'validation_required',
    'requests.1': 'batch_request_failed',
    'requests.1.response.data.x': 'c',
  });
});

test('compareStep reports outcome, requests, exact values and shape', () => {
  const base: StepRecord = {
    scenario: 's',
    step: 'x',
    expect: 'ok',
    outcome: 'ok',
    status: null,
    requests: ['GET 200'],
    exact: { titles: ['a', 'b'] },
    shape: shapeOf({ id: 'x' }),
  };
  const sides = { left: 'pocketbase', right: 'burrow' };
  assert.deepEqual(compareStep(base, { ...base }, sides), []);
  assert.deepEqual(
    compareStep(base, { ...base, exact: { titles: ['b', 'a'] }, shape: shapeOf({ id: 1 }) }, sides),
    [
      'exact titles: pocketbase=["a","b"] burrow=["b","a"]',
      'shape id: pocketbase="string" burrow="number"',
    ],
  );
  const failed: StepRecord = {
    ...base,
    outcome: 'error',
    status: 500,
    requests: ['GET 500'],
    message: 'boom',
    shape: shapeOf({ status: 500, message: 'boom', data: {} }),
  };
  assert.deepEqual(compareStep(base, failed, sides), [
    'outcome: pocketbase=ok burrow=error 500',
    '  burrow said: boom',
    'requests: pocketbase=[GET 200] burrow=[GET 500]',
  ]);
  assert.deepEqual(compareStep(base, undefined, sides), ["step missing from burrow's run"]);
});
