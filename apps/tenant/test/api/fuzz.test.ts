/**
 * Hostile input through the real HTTP stack: random and mutated filters, sorts, expands and
 * bodies must always get a JSON answer below 500, with PocketBase's error shape.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, beforeEach, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../../src/apis/server.js';
import { TenantApp } from '../../src/core/app.js';
import { mutateFilter, prng, randomFilter } from '../../src/tools/filter/test_support.js';
import { fixture } from '../support/fixture.js';
import { copyFixture } from '../support/scenario.js';

let app: TenantApp;
let server: FastifyInstance;
let dir: string;
const errors: unknown[] = [];

before(async () => {
  dir = copyFixture(fixture().dir);
  app = TenantApp.open({ dir });
  server = await createServer(app, { logError: (err) => errors.push(err) });
});
after(async () => {
  await server.close();
  app.close();
  rmSync(dir, { recursive: true, force: true });
});

const SEEDS = [
  "title ~ 'hello' && views > 5", 'author.name = "User One" || tags.name ?= "beta"', 'labels:each ?= "a" && tags:length > 1',
  "meta.k = 1 && created >= @todayStart", 'posts_via_author.views > 1', "@request.auth.id != '' && author = @request.auth.id",
  "@collection.tags.name ?= 'alpha'", 'geoDistance(1, 2, 3, 4) < 5', "strftime('%Y', created) = '2026'", '(public = true || (views < 3 && status = "draft"))',
];

beforeEach(() => {
  errors.length = 0;
});

async function get(url: string, auth?: string) {
  const res = await server.inject({ method: 'GET', url, headers: auth ? { authorization: auth } : {} });
  return res;
}

function assertClean(res: { statusCode: number; body: string }, what: string): void {
  assert.ok(res.statusCode < 500, `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  if (res.statusCode >= 400) {
    const body = JSON.parse(res.body) as { status: number; message: string; data: object };
    assert.equal(body.status, res.statusCode, what);
    assert.ok(body.message.length > 0, what);
    assert.equal(typeof body.data, 'object', what);
  }
}

test('random and mutated filters over HTTP never give a 5xx', async () => {
  const rand = prng(20261127);
  const tokens = [undefined, fixture().user1Token, fixture().superuserToken];
  for (let i = 0; i < 1500; i++) {
    const filter = i % 2 === 0 ? mutateFilter(rand, SEEDS[i % SEEDS.length]) : randomFilter(rand, 200);
    const auth = tokens[i % tokens.length];
    const res = await get(`/api/collections/posts/records?filter=${encodeURIComponent(filter.toWellFormed())}`, auth);
    assertClean(res, `filter ${JSON.stringify(filter)}`);
  }
  assert.deepEqual(errors, []);
});

test('hostile sort, expand, fields, page values never give a 5xx', async () => {
  const rand = prng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const sorts = ['-views', '@random', '-@rowid', 'nope', 'author.name', '', ',,', '-'.repeat(300), 'tags.name', '@collection.x.y', "title'"];
  const expands = ['author', 'tags', 'author.posts_via_author.author', 'nope', 'a.b.c.d.e.f.g', '..', 'posts_via_nope', ''];
  const fields = ['id', '*', 'id:excerpt(5)', 'body:excerpt(-1)', 'expand.author.name', ':', 'a.', ''];
  const pages = ['1', '0', '-5', 'abc', '99999999999999999999', '1e3', ''];
  for (let i = 0; i < 400; i++) {
    const q = new URLSearchParams({ sort: pick(sorts), expand: pick(expands), fields: pick(fields), page: pick(pages), perPage: pick(pages) });
    const res = await get(`/api/collections/posts/records?${q}`, i % 2 ? fixture().superuserToken : undefined);
    assertClean(res, q.toString());
  }
  assert.deepEqual(errors, []);
});

test('hostile bodies never give a 5xx', async () => {
  const bodies: Array<[string, string]> = [
    ['application/json', '{'], ['application/json', 'null'], ['application/json', '"x"'], ['application/json', '[]'],
    ['application/json', JSON.stringify({ title: { nested: [1, { a: 2 }] }, views: 'NaN', labels: 5, tags: { x: 1 }, meta: 'not json' })],
    ['application/json', JSON.stringify({ title: 'x'.repeat(100_000), views: 1e309 })],
    ['application/json', JSON.stringify({ 'views+': 'abc', 'labels-': null, '+tags': [null, 1], 'title:autogenerate': 1 })],
    ['application/x-www-form-urlencoded', 'title=a&title=b&views=12abc'], ['text/plain', 'hello'],
    ['multipart/form-data; boundary=zz', '--zz\r\nContent-Disposition: form-data; name="@jsonPayload"\r\n\r\n{bad\r\n--zz--\r\n'],
    ['multipart/form-data; boundary=zz', 'garbage'],
  ];
  for (const [type, payload] of bodies) {
    for (const url of ['/api/collections/posts/records', '/api/collections/posts/records/post1aaaaaaaaaa']) {
      const method = url.endsWith('records') ? 'POST' : 'PATCH';
      const res = await server.inject({ method, url, headers: { 'content-type': type, authorization: fixture().user1Token }, payload });
      assertClean(res, `${method} ${type} ${payload.slice(0, 60)}`);
    }
  }
  assert.deepEqual(errors, []);
});

test('a body over 32 MiB is refused with 413', async () => {
  const res = await server.inject({
    method: 'POST', url: '/api/collections/posts/records', headers: { 'content-type': 'application/json', authorization: fixture().superuserToken },
    payload: JSON.stringify({ title: 'x'.repeat((32 << 20) + 10) }),
  });
  assert.equal(res.statusCode, 413);
  assert.equal((JSON.parse(res.body) as { status: number }).status, 413);
});
