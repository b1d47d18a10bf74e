import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UrlField } from '../collection_model.js';
import { urlField as h } from './field_url.js';
import { optionsCtx, sqliteRoundTrip, valueCtx } from './test_helpers.js';

const field = (o: Partial<UrlField> = {}): UrlField => ({ ...h.defaults('u'), ...o });
const check = (o: Partial<UrlField>, v: string): string | undefined => h.validateValue(field(o), v, valueCtx())?.code;

describe('url field', () => {
  it('defaults match PocketBase', () => {
    assert.equal(JSON.stringify(h.defaults('u')),
      '{"exceptDomains":null,"help":"","hidden":false,"id":"url4067256894","name":"u","onlyDomains":null,"presentable":false,"required":false,"system":false,"type":"url"}');
  });

  it('normalizeOptions and validateOptions (verified on PocketBase)', () => {
    assert.equal(h.normalizeOptions({ name: 'u', exceptDomains: {} }).ok, false);
    assert.deepEqual(h.validateOptions(field({ exceptDomains: ['localhost', '', 'ok.com'] }), optionsCtx([])), {
      exceptDomains: { 0: { code: 'validation_is_domain', message: 'Must be a valid domain.' } },
    });
  });

  it('prepare and modify', () => {
    assert.equal(h.prepare(field(), 'http://a.b'), 'http://a.b');
    assert.equal(h.prepare(field(), null), '');
    assert.equal(h.modify(field(), '', 'append', 'x'), undefined);
  });

  it('validateValue (verified on PocketBase)', () => {
    const cases: Array<[Partial<UrlField>, string, string | undefined]> = [
      [{}, 'http://a.b', undefined], [{}, 'https://example.com/x?y=1', undefined], [{}, 'ftp://a.b', undefined], [{}, 'example.com', undefined],
      [{}, 'http://localhost', undefined], [{}, 'http://127.0.0.1:8080', undefined], [{}, 'mailto:a@b.co', undefined], [{}, 'http://a', undefined],
      [{}, 'http://ünï.com', undefined], [{}, '//a.com', 'validation_invalid_url'], [{}, 'javascript:alert(1)', 'validation_invalid_url'],
      [{}, 'http://a.b/ x', 'validation_invalid_url'], [{ required: true }, '', 'validation_required'],
      [{ onlyDomains: ['a.com'] }, 'http://a.com', undefined], [{ onlyDomains: ['a.com'] }, 'http://a.com:80/x', 'validation_url_domain_not_allowed'],
      [{ onlyDomains: ['a.com'] }, 'http://b.com', 'validation_url_domain_not_allowed'], [{ onlyDomains: ['a.com'] }, 'a.com', 'validation_url_domain_not_allowed'],
      [{ onlyDomains: ['a.com'] }, 'http://A.COM', 'validation_url_domain_not_allowed'], [{ exceptDomains: ['a.com'] }, 'https://a.com/x', 'validation_url_domain_not_allowed'],
    ];
    for (const [o, v, expected] of cases) assert.equal(check(o, v), expected, `${JSON.stringify(o)} ${v}`);
    assert.deepEqual(h.validateValue(field(), '//a.com', valueCtx()), { code: 'validation_invalid_url', message: 'Must be a valid url.' });
    assert.deepEqual(h.validateValue(field({ onlyDomains: ['a.com'] }), 'http://b.com', valueCtx()), {
      code: 'validation_url_domain_not_allowed', message: 'Url domain is not allowed.',
    });
  });

  it('column and SQLite round trip', () => {
    assert.equal(h.columnDefinition(field()), "TEXT DEFAULT '' NOT NULL");
    assert.deepEqual(sqliteRoundTrip(h, field(), 'http://a.b'), { stored: 'http://a.b', back: 'http://a.b' });
  });
});
