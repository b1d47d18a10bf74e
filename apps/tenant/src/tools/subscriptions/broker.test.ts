import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLIENT_ID_LENGTH, newClientId, parseTopic, snakeCase } from './broker.js';

test('client ids: 40 characters of [A-Za-z0-9], different each time', () => {
  const ids = new Set(Array.from({ length: 200 }, () => newClientId()));
  assert.equal(ids.size, 200);
  for (const id of ids) assert.match(id, new RegExp(`^[A-Za-z0-9]{${CLIENT_ID_LENGTH}}$`));
});

test('topics: options parsed into query and snake_cased headers', () => {
  const options = encodeURIComponent(JSON.stringify({ query: { expand: 'owner', perPage: 5 }, headers: { apiKey: 'k', 'X-Token': 't' } }));
  assert.deepEqual(parseTopic(`posts/*?options=${options}`), { base: 'posts/*', options: { query: { expand: 'owner', perPage: '5' }, headers: { api_key: 'k', x_token: 't' } } });
  assert.deepEqual(parseTopic('posts/abc'), { base: 'posts/abc', options: { query: {}, headers: {} } });
  assert.throws(() => parseTopic('posts/*?options=%7Bnope'));
});

test('snakeCase matches PocketBase for header names', () => {
  for (const [input, want] of [['apiKey', 'api_key'], ['Api-Key', 'api_key'], ['API_KEY', 'api_key'], ['x-token', 'x_token'], ['Authorization', 'authorization']]) {
    assert.equal(snakeCase(input), want, input);
  }
});
