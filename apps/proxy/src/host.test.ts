import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instanceNameFromHost, isPlatformHost } from './host.js';

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

test('isPlatformHost accepts the bare domain, localhost and IP literals only', () => {
  const cases: Array<[string | undefined, string, boolean]> = [
    ['localhost:8080', 'localhost', true],
    ['LOCALHOST', 'localhost', true],
    ['127.0.0.1:8080', 'localhost', true],
    ['127.0.0.1', 'burrow.example.com', true],
    ['[::1]:8080', 'localhost', true],
    ['burrow.example.com', 'burrow.example.com', true],
    ['burrow.example.com.:443', 'burrow.example.com', true],
    ['localhost', 'burrow.example.com', true],
    ['acme.localhost:8080', 'localhost', false],
    ['acme.burrow.example.com', 'burrow.example.com', false],
    ['example.com', 'burrow.example.com', false],
    ['[nonsense]:8080', 'localhost', false],
    ['999.0.0.1', 'localhost', false],
    [undefined, 'localhost', false],
  ];
  for (const [host, domain, expected] of cases) {
    assert.equal(isPlatformHost(host, domain), expected, `${host} @ ${domain}`);
  }
});
