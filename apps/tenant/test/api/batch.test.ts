import assert from 'node:assert/strict';
import type { TenantApp } from '../../src/core/app.js';
import { fixture } from '../support/fixture.js';
import { scenarios } from '../support/scenario.js';

const fx = () => fixture().dir;
const u1 = () => ({ authorization: fixture().user1Token });

function enableBatch(app: TenantApp): void {
  app.write(() => app.settings.save({ ...app.settings.get(), batch: { enabled: true, maxRequests: 3, timeout: 3, maxBodySize: 0 } }));
}

const count = (app: TenantApp, table: string) => app.store.data.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)?.n;

scenarios(fx, [
  { name: 'batch disabled', method: 'POST', url: '/api/batch', body: { requests: [] }, expectedStatus: 403, expectedContent: ['Batch requests are not allowed.'] },
  { name: 'batch with no requests', method: 'POST', url: '/api/batch', body: { requests: [] }, beforeTest: enableBatch, expectedStatus: 400, expectedContent: ['"requests":{"code":"validation_required"'] },
  {
    name: 'batch over maxRequests', method: 'POST', url: '/api/batch', beforeTest: enableBatch, expectedStatus: 400,
    body: { requests: Array.from({ length: 4 }, () => ({ method: 'POST', url: '/api/collections/tags/records', body: { name: 'x' } })) },
  },
  {
    name: 'batch success', method: 'POST', url: '/api/batch', beforeTest: enableBatch, get headers() { return u1(); }, expectedStatus: 200,
    body: {
      requests: [
        { method: 'POST', url: '/api/collections/posts/records?fields=title', body: { title: 'from batch', author: 'user1aaaaaaaaaa' } },
        { method: 'PATCH', url: '/api/collections/posts/records/post2aaaaaaaaaa', body: { 'views+': 1 } },
        { method: 'DELETE', url: '/api/collections/posts/records/post1aaaaaaaaaa' },
      ],
    },
    expectedContent: ['{"body":{"title":"from batch"},"status":200}', '"views":4', '{"body":null,"status":204}'],
    expectedEvents: { OnBatchRequest: 1, OnRecordCreateRequest: 1, OnRecordUpdateRequest: 1, OnRecordDeleteRequest: 1 },
    afterTest: (app) => assert.equal(count(app, 'posts'), 3),
  },
  {
    name: 'batch failure rolls everything back', method: 'POST', url: '/api/batch', beforeTest: enableBatch, get headers() { return u1(); }, expectedStatus: 400,
    body: {
      requests: [
        { method: 'POST', url: '/api/collections/posts/records', body: { title: 'ok', author: 'user1aaaaaaaaaa' } },
        { method: 'POST', url: '/api/collections/posts/records', body: { author: 'user1aaaaaaaaaa' } },
      ],
    },
    expectedContent: ['"message":"Batch transaction failed."', '"1":{"code":"batch_request_failed","message":"Batch request failed.","response":{"status":400', '"title":{"code":"validation_required"'],
    afterTest: (app) => assert.equal(count(app, 'posts'), 3),
  },
  {
    name: 'batch upsert', method: 'POST', url: '/api/batch', beforeTest: enableBatch, get headers() { return { authorization: fixture().superuserToken }; }, expectedStatus: 200,
    body: { requests: [
      { method: 'PUT', url: '/api/collections/tags/records', body: { id: 'tagaaaaaaaaaaaa', name: 'renamed' } },
      { method: 'PUT', url: '/api/collections/tags/records', body: { id: 'tagcccccccccccc', name: 'new' } },
    ] },
    expectedContent: ['"name":"renamed"', '"id":"tagcccccccccccc"'],
    afterTest: (app) => assert.equal(count(app, 'tags'), 3),
  },
  {
    name: 'batch sub-request to an unsupported route', method: 'POST', url: '/api/batch', beforeTest: enableBatch, expectedStatus: 400,
    body: { requests: [{ method: 'POST', url: '/api/settings', body: {} }] }, expectedContent: ['batch_request_failed'],
  },
  {
    name: 'batch as multipart with @jsonPayload', method: 'POST', url: '/api/batch', beforeTest: enableBatch,
    get headers() { return { authorization: fixture().superuserToken, 'content-type': 'multipart/form-data; boundary=B0' }; },
    body: `--B0\r\nContent-Disposition: form-data; name="@jsonPayload"\r\n\r\n${JSON.stringify({ requests: [{ method: 'POST', url: '/api/collections/tags/records', body: { name: 'mp' } }] })}\r\n--B0--\r\n`,
    expectedStatus: 200, expectedContent: ['"name":"mp"'],
  },
]);
