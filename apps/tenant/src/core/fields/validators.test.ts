import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGoUrl } from './go_url.js';
import { isDomain, isEmailFormat, isUrl } from './validators.js';

// Expectations from ozzo-validation is.EmailFormat/is.URL/is.Domain and net/url.Parse
// (PocketBase v0.39.11 dependencies), several also observed on a running PocketBase.
describe('isEmailFormat', () => {
  const valid = ['a@b.co', 'A@B.CO', 'a@b.c', 'ünï@cödé.com', 'a@b.co.', "o'neil@x.io", 'a+b@x.io', '"a"@b.co', '"@b.co'];
  const invalid = ['bad', 'a@b', ' a@b.co', 'a b@c.co', '"a b"@c.co', '"ab"@b.co', 'a@[127.0.0.1]', 'a@localhost', 'a..b@c.co',
    'a@-b.co', 'a@b.0c', 'a@1.2.3.4', 'a@b@c.co', '😀@b.co'];
  for (const s of valid) it(`accepts ${s}`, () => assert.equal(isEmailFormat(s), true));
  for (const s of invalid) it(`rejects ${s}`, () => assert.equal(isEmailFormat(s), false));
});

describe('isUrl', () => {
  const valid = ['http://a.b', 'https://example.com/x?y=1', 'ftp://a.b', 'example.com', 'http://localhost', 'http://127.0.0.1:8080',
    'mailto:a@b.co', 'http://a', 'http://ünï.com', 'http://[::1]:80/', 'localhost:3000', 'http://a.b:99999'];
  const invalid = ['//a.com', 'file:///etc/passwd', 'javascript:alert(1)', 'http://a.b/ x', 'http://a.b:123456', 'abc', 'a:b', 'http://.a.com',
    'http://a.b/%zz', `http://a.b/${'c'.repeat(2100)}`];
  for (const s of valid) it(`accepts ${s}`, () => assert.equal(isUrl(s), true));
  for (const s of invalid) it(`rejects ${s.slice(0, 40)}`, () => assert.equal(isUrl(s), false));
});

describe('isDomain (PocketBase fork quirks)', () => {
  const cases: Array<[string, boolean]> = [['a.com', true], ['A.COM', true], ['Aa.Com', true], ['aA.com', false], ['bad', false],
    ['x.co.', false], ['1.2', false], ['localhost', false], ['-a.com', false], ['a--b.com', true], ['a.xn--p1ai', false]];
  for (const [s, expected] of cases) it(s, () => assert.equal(isDomain(s), expected));
});

describe('parseGoUrl host', () => {
  const cases: Array<[string, string | undefined]> = [['http://a.com:80/x', 'a.com:80'], ['http://A.COM', 'A.COM'], ['a.com', ''],
    ['mailto:a@b.co', ''], ['http://user:pass@host.com/p', 'host.com'], ['http://a%c3%bc.com', 'aü.com'], ['http://a%41.com', undefined],
    ['http://{a}.com', undefined], ['a:b', ''], ['http://a b.com', undefined]];
  for (const [s, host] of cases) it(s, () => assert.equal(parseGoUrl(s)?.host, host));
});
