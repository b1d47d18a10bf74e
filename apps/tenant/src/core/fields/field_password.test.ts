import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PasswordField } from '../collection_model.js';
import {
  finalizePassword, finalizePasswordAsync, hashPassword, hashPasswordAsync, passwordField as h, verifyPassword, verifyPasswordAsync,
  type PasswordValue,
} from './field_password.js';
import { optionsCtx, sqliteRoundTrip, valueCtx } from './test_helpers.js';

const field = (o: Partial<PasswordField> = {}): PasswordField => ({ ...h.defaults('p'), ...o });
const plain = (p: string): PasswordValue => ({ hash: '', plain: p });

describe('password field', () => {
  it('defaults match PocketBase', () => {
    assert.equal(JSON.stringify(h.defaults('p')),
      '{"cost":0,"help":"","hidden":false,"id":"password2181537457","max":0,"min":0,"name":"p","pattern":"","presentable":false,"required":false,"system":false,"type":"password"}');
    assert.equal(h.defaults('password').id, 'password901924565');
  });

  it('validateOptions (verified on PocketBase)', () => {
    const v = (o: Partial<PasswordField>): unknown => h.validateOptions(field(o), optionsCtx([]));
    assert.deepEqual(v({ cost: 3, min: 72, max: 80 }), {
      cost: { code: 'validation_min_greater_equal_than_required', message: 'Must be no less than 4.', params: { threshold: 4 } },
      max: { code: 'validation_max_less_equal_than_required', message: 'Must be no greater than 71.', params: { threshold: 71 } },
      min: { code: 'validation_max_less_equal_than_required', message: 'Must be no greater than 71.', params: { threshold: 71 } },
    });
    assert.deepEqual(v({ cost: 32, min: -1, pattern: '[' }), {
      cost: { code: 'validation_max_less_equal_than_required', message: 'Must be no greater than 31.', params: { threshold: 31 } },
      min: { code: 'validation_min_greater_equal_than_required', message: 'Must be no less than 1.', params: { threshold: 1 } },
      pattern: { code: 'validation_invalid_regex', message: 'Error parsing regexp: missing closing ]: `[`.' },
    });
    assert.deepEqual(v({ min: 10, max: 5 }), {
      max: { code: 'validation_min_greater_equal_than_required', message: 'Must be no less than 10.', params: { threshold: 10 } },
    });
    assert.deepEqual(v({ min: 8, cost: 12 }), {});
  });

  it('prepare keeps the plain text pending; fromDb loads the hash', () => {
    assert.deepEqual(h.prepare(field(), 'secret'), { hash: '', plain: 'secret' });
    assert.deepEqual(h.prepare(field(), 12345), { hash: '', plain: '12345' });
    assert.deepEqual(h.fromDb(field(), '$2a$10$x'), { hash: '$2a$10$x', plain: '' });
    assert.equal(h.modify(field(), plain('a'), 'append', 'b'), undefined);
  });

  it('validateValue (codes and messages verified on PocketBase)', () => {
    const f = field({ min: 3, max: 5, pattern: '^[a-z]+$' });
    const v = (pf: PasswordField, value: PasswordValue): unknown => h.validateValue(pf, value, valueCtx());
    assert.deepEqual(v(f, plain('ab')), { code: 'validation_min_text_constraint', message: 'Must be at least 3 character(s).' });
    assert.deepEqual(v(f, plain('abcdef')), { code: 'validation_max_text_constraint', message: 'Must be less than 5 character(s).' });
    assert.deepEqual(v(f, plain('ab1')), { code: 'validation_invalid_format', message: 'Invalid value format.' });
    assert.equal(v(f, plain('abc')), null);
    assert.equal(v(field(), plain('a'.repeat(71))), null);
    assert.deepEqual(v(field(), plain('a'.repeat(72))), { code: 'validation_max_text_constraint', message: 'Must be less than 71 character(s).' });
    // bcrypt's 72-byte limit: PocketBase answers a generic "Invalid value."
    assert.equal(v(field(), plain('é'.repeat(36))), null);
    assert.deepEqual(v(field(), plain('é'.repeat(37))), { code: 'validation_invalid_value', message: 'Invalid value.' });
    assert.deepEqual(v(field({ required: true }), plain('')), { code: 'validation_required', message: 'Cannot be blank.' });
    assert.equal(v(field({ required: true }), { hash: '$2a$10$abc', plain: '' }), null);
  });

  it('hashes with the field cost in $2a$ format and verifies', () => {
    const hash = hashPassword(field({ cost: 4 }), 'secret');
    assert.match(hash, /^\$2a\$04\$/);
    assert.equal(verifyPassword(hash, 'secret'), true);
    assert.equal(verifyPassword(hash, 'Secret'), false);
    assert.equal(verifyPassword('', ''), false);
    assert.equal(verifyPassword('garbage', 'x'), false);
    assert.match(hashPassword(field(), 'x'), /^\$2a\$10\$/);
    // A hash made by PocketBase itself (cost 10, password "1234567890").
    assert.equal(verifyPassword('$2a$10$hgoosaoSYvYcQL8LLt8xYe1pQDiOpchGcQUzzATa7kGjlXLIEw1GS', '1234567890'), true);
  });

  it('has asynchronous variants', async () => {
    const hash = await hashPasswordAsync(field({ cost: 4 }), 'secret');
    assert.match(hash, /^\$2a\$04\$/);
    assert.equal(await verifyPasswordAsync(hash, 'secret'), true);
    assert.equal(await verifyPasswordAsync(hash, 'nope'), false);
    assert.equal(await verifyPasswordAsync('', ''), false);
    assert.equal(verifyPassword((await finalizePasswordAsync(field({ cost: 4 }), plain('pw'))).hash, 'pw'), true);
  });

  it('stores only hashes and never shows anything', () => {
    const f = field({ cost: 4 });
    assert.throws(() => h.toDb(f, plain('secret')));
    const done = finalizePassword(f, plain('secret'));
    const { stored, back } = sqliteRoundTrip(h, f, done);
    assert.equal(stored, done.hash);
    assert.deepEqual(back, { hash: done.hash, plain: '' });
    assert.equal(h.toDb(f, plain('')), ''); // an empty input clears the password
    assert.equal(h.toJSON(f, done), '');
    assert.equal(h.columnDefinition(f), "TEXT DEFAULT '' NOT NULL");
  });
});
