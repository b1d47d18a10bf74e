import assert from 'node:assert/strict';
import { fixture } from '../support/fixture.js';
import { scenarios } from '../support/scenario.js';

const fx = () => fixture().dir;
const su = () => ({ authorization: fixture().superuserToken });

scenarios(fx, [
  { name: 'health as guest', method: 'GET', url: '/api/health', expectedStatus: 200, expectedContent: ['"message":"API is healthy."', '"code":200', '"data":{}'] },
  { name: 'health HEAD', method: 'HEAD', url: '/api/health', expectedStatus: 200 },
  { name: 'health as superuser has extra data', method: 'GET', url: '/api/health', get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"canBackup":true'] },
  { name: 'unknown route is a JSON 404', method: 'GET', url: '/api/nope', expectedStatus: 404, expectedContent: ['"status":404'] },
  { name: 'CORS preflight', method: 'OPTIONS', url: '/api/collections/posts/records', headers: { origin: 'http://x.test', 'access-control-request-method': 'POST' }, expectedStatus: 204 },
  { name: 'settings as guest', method: 'GET', url: '/api/settings', expectedStatus: 401 },
  { name: 'settings as user', method: 'GET', url: '/api/settings', get headers() { return { authorization: fixture().user1Token }; }, expectedStatus: 403 },
  {
    name: 'settings as superuser hides secrets', method: 'GET', url: '/api/settings', get headers() { return su(); }, expectedStatus: 200,
    expectedContent: ['"meta":', '"batch":', '"rateLimits":', '"trustedProxy":', '"smtp":'], notExpectedContent: ['"password"', '"secret"'],
    expectedEvents: { OnSettingsListRequest: 1 },
  },
  {
    name: 'settings patch', method: 'PATCH', url: '/api/settings', get headers() { return su(); },
    body: { meta: { appName: 'Burrow test' }, batch: { enabled: true, maxRequests: 10 } }, expectedStatus: 200,
    expectedContent: ['"appName":"Burrow test"', '"enabled":true', '"maxRequests":10'],
    expectedEvents: { OnSettingsUpdateRequest: 1, OnSettingsReload: 1 },
    afterTest: (app) => assert.equal(app.settings.get().batch.enabled, true),
  },
  {
    name: 'settings patch with invalid values', method: 'PATCH', url: '/api/settings', get headers() { return su(); },
    body: { meta: { appName: '', appURL: 'not a url' }, rateLimits: { rules: [{ label: 'bad label!', duration: 0, maxRequests: 1 }] } }, expectedStatus: 400,
    expectedContent: ['"appName":{"code":"validation_required"', '"appURL":{"code":"validation_is_url"', '"label":{"code":"validation_invalid_rate_limit_label"'],
    afterTest: (app) => assert.equal(app.settings.get().meta.appName, 'Acme'),
  },
  {
    name: 'a rate limit rule without an audience is for everyone (zero value, as PocketBase)', method: 'PATCH', url: '/api/settings', get headers() { return su(); },
    body: { rateLimits: { rules: [{ label: '/api/', duration: 1, maxRequests: 5 }] } }, expectedStatus: 200,
    expectedContent: ['"label":"/api/"', '"audience":""'], notExpectedContent: ['"audience":{"code"'],
  },
  {
    name: 'settings patch with wrong json types', method: 'PATCH', url: '/api/settings', get headers() { return su(); },
    body: { meta: 'x', batch: { enabled: 'yes' } }, expectedStatus: 400, expectedContent: ['"meta":{"code":"validation_invalid_value"'],
  },
  { name: 'malformed json body', method: 'PATCH', url: '/api/settings', get headers() { return { ...su(), 'content-type': 'application/json' }; }, body: '{"meta":', expectedStatus: 400, expectedContent: ['invalid formatting'] },
]);
