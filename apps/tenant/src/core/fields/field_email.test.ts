import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EmailField } from '../collection_model.js';
import { emailField as h } from './field_email.js';
import { optionsCtx, sqliteRoundTrip, valueCtx } from './test_helpers.js';

const field = (o: Partial<EmailField> = {}): EmailField => ({ ...h.defaults('e'), ...o });
const check = (o: Partial<EmailField>, v: string): string | undefined => h.validateValue(field(o), v, valueCtx())?.code;

describe('email field', () => {
  it('defaults match PocketBase', () => {
    assert.equal(JSON.stringify(h.defaults('e')),
      '{"exceptDomains":null,"help":"","hidden":false,"id":"email4024072794","name":"e","onlyDomains":null,"presentable":false,"required":false,"system":false,"type":"email"}');
    assert.equal(h.defaults('email').id, 'email3885137012');
  });

  it('normalizeOptions', () => {
    const r = h.normalizeOptions({ name: 'e', onlyDomains: ['a.com', null] });
    assert.ok(r.ok);
    assert.deepEqual(r.field.onlyDomains, ['a.com', '']);
    assert.equal(h.normalizeOptions({ name: 'e', onlyDomains: 'a.com' }).ok, false);
    assert.equal(h.normalizeOptions({ name: 'e', onlyDomains: [1] }).ok, false);
  });

  it('validateOptions (verified on PocketBase)', () => {
    const both = h.validateOptions(field({ onlyDomains: ['a.com'], exceptDomains: ['b.com'] }), optionsCtx([]));
    assert.deepEqual(both, {
      exceptDomains: { code: 'validation_empty', message: 'Must be blank.' },
      onlyDomains: { code: 'validation_empty', message: 'Must be blank.' },
    });
    const items = h.validateOptions(field({ onlyDomains: ['bad', 'a.com', 'A.COM', 'x.co.', '1.2', ''] }), optionsCtx([]));
    const bad = { code: 'validation_is_domain', message: 'Must be a valid domain.' };
    assert.deepEqual(items, { onlyDomains: { 0: bad, 3: bad, 4: bad } });
  });

  it('prepare keeps the string as sent', () => {
    assert.equal(h.prepare(field(), ' A@B.CO '), ' A@B.CO ');
    assert.equal(h.prepare(field(), 5), '5');
    assert.equal(h.modify(field(), 'a', 'append', 'b'), undefined);
  });

  it('validateValue (verified on PocketBase)', () => {
    const cases: Array<[Partial<EmailField>, string, string | undefined]> = [
      [{}, 'a@b.co', undefined], [{}, 'A@B.CO', undefined], [{}, 'bad', 'validation_is_email'], [{}, 'a@b', 'validation_is_email'],
      [{}, ' a@b.co', 'validation_is_email'], [{}, '"a b"@c.co', 'validation_is_email'], [{}, 'a@localhost', 'validation_is_email'],
      [{}, 'ünï@cödé.com', undefined], [{}, 'a@b.co.', undefined], [{}, '', undefined], [{ required: true }, '', 'validation_required'],
      [{ onlyDomains: ['a.com'] }, 'x@a.com', undefined], [{ onlyDomains: ['a.com'] }, 'x@b.com', 'validation_email_domain_not_allowed'],
      [{ onlyDomains: ['a.com'] }, 'x@A.COM', 'validation_email_domain_not_allowed'], [{ onlyDomains: ['a.com'] }, 'x@sub.a.com', 'validation_email_domain_not_allowed'],
      [{ exceptDomains: ['a.com'] }, 'x@a.com', 'validation_email_domain_not_allowed'], [{ exceptDomains: ['a.com'] }, 'x@b.com', undefined],
    ];
    for (const [o, v, expected] of cases) assert.equal(check(o, v), expected, `${JSON.stringify(o)} ${v}`);
    assert.deepEqual(h.validateValue(field(), 'bad', valueCtx()), { code: 'validation_is_email', message: 'Must be a valid email address.' });
    assert.deepEqual(h.validateValue(field({ onlyDomains: ['a.com'] }), 'x@b.com', valueCtx()), {
      code: 'validation_email_domain_not_allowed', message: 'Email domain is not allowed.',
    });
  });

  it('column and SQLite round trip', () => {
    assert.equal(h.columnDefinition(field()), "TEXT DEFAULT '' NOT NULL");
    assert.deepEqual(sqliteRoundTrip(h, field(), 'a@b.co'), { stored: 'a@b.co', back: 'a@b.co' });
    assert.equal(h.toJSON(field(), 'a@b.co'), 'a@b.co');
  });
});
