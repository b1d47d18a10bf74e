/** Instance ids: what is accepted, and that nothing accepted can leave its directory. */
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { INVALID_IDS } from './test/contract.js';
import { isInstanceId, parseInstanceId } from './instance_id.js';

test('accepts PocketBase ids, instance names and UUIDs', () => {
  for (const id of ['a', 'acme', 'k3n9x0a8b7c6d5e', 'my-app-2', '0b8f2c1e-4a6d-4b1e-9c3f-2d7e8a9b0c1d', 'x'.repeat(63)]) {
    assert.equal(parseInstanceId(id), id);
    assert.ok(isInstanceId(id));
  }
});

test('refuses anything that is not a DNS label of lowercase letters and digits', () => {
  for (const bad of [...INVALID_IDS, 'a_b', 'é', 'a\n', null, undefined, 42, {}]) {
    assert.ok(!isInstanceId(bad), String(bad));
    assert.throws(() => parseInstanceId(bad), { name: 'RuntimeError', code: 'invalid_id' });
  }
});

test('every accepted id stays one level below the root', () => {
  const root = resolve('/srv/instances');
  for (const id of ['a', 'a-b', '0', 'zz9']) {
    assert.equal(resolve(join(root, parseInstanceId(id), '..')), root);
  }
});
