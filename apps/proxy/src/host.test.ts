import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instanceNameFromHost } from './host.js';

test('instanceNameFromHost maps <name>.<domain>[:port] and rejects everything else', () => {
  const cases: Array<[string | undefined, string, string | undefined]> = [
    ['acme.localhost', 'localhost', 'acme'],
    ['acme.localhost:8080', 'localhost', 'acme'],
    ['ACME.LocalHost:8080', 'localhost', 'acme'],
    ['acme.localhost.', 'localhost', 'acme'],
    ['my-app-2.burrow.example.com', 'burrow.example.com', 'my-app-2'],
    ['localhost:8080', 'localhost', undefined],
    ['.localhost', 'localhost', undefined],
    ['ab.localhost', 'localhost', undefined],
    ['1abc.localhost', 'localhost', undefined],
    ['a.b.localhost', 'localhost', undefined],
    ['acme.localhost.evil.com', 'localhost', undefined],
    ['acme.otherlocalhost', 'localhost', undefined],
    [`a${'b'.repeat(40)}.localhost`, 'localhost', undefined],
    ['acme_x.localhost', 'localhost', undefined],
    ['127.0.0.1:8080', 'localhost', undefined],
    [undefined, 'localhost', undefined],
  ];
  for (const [host, domain, expected] of cases) {
    assert.equal(instanceNameFromHost(host, domain), expected, `${host} @ ${domain}`);
  }
});
