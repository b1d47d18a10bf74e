import assert from 'node:assert/strict';
import { fixture } from '../support/fixture.js';
import { scenarios } from '../support/scenario.js';
import { quoteId } from '../../src/core/store.js';

const fx = () => fixture().dir;
const su = () => ({ authorization: fixture().superuserToken });

const CREATE_EVENTS = {
  '*': 0, OnCollectionCreateRequest: 1, OnCollectionCreate: 1, OnCollectionCreateExecute: 1, OnCollectionAfterCreateSuccess: 1,
  OnCollectionValidate: 1, OnModelCreate: 1, OnModelCreateExecute: 1, OnModelAfterCreateSuccess: 1, OnModelValidate: 1,
} as const;

scenarios(fx, [
  { name: 'list as guest', method: 'GET', url: '/api/collections', expectedStatus: 401 },
  { name: 'list as user', method: 'GET', url: '/api/collections', get headers() { return { authorization: fixture().user1Token }; }, expectedStatus: 403 },
  {
    name: 'list as superuser', method: 'GET', url: '/api/collections?perPage=100', get headers() { return su(); }, expectedStatus: 200,
    expectedContent: ['"totalItems":10', '"name":"_superusers"', '"name":"posts"', '"name":"posts_view"'], notExpectedContent: ['"secret"'],
    expectedEvents: { OnCollectionsListRequest: 1 },
  },
  { name: 'list with filter and sort', method: 'GET', url: "/api/collections?filter=(type='view')&sort=-name", get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"totalItems":1', '"name":"posts_view"'] },
  { name: 'list with bad filter', method: 'GET', url: '/api/collections?filter=nope=1', get headers() { return su(); }, expectedStatus: 400 },
  { name: 'view by name', method: 'GET', url: '/api/collections/posts', get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"name":"posts"', '"type":"base"'] },
  { name: 'view missing', method: 'GET', url: '/api/collections/missing', get headers() { return su(); }, expectedStatus: 404 },
  { name: 'scaffolds', method: 'GET', url: '/api/collections/meta/scaffolds', get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"auth":{', '"base":{', '"view":{'] },
  {
    name: 'create base collection', method: 'POST', url: '/api/collections', get headers() { return su(); },
    body: { name: 'notes', fields: [{ name: 'text', type: 'text', required: true }, { name: 'n', type: 'number' }], listRule: '' },
    expectedStatus: 200, expectedContent: ['"name":"notes"', '"name":"id"', '"name":"text"'], expectedEvents: CREATE_EVENTS,
    afterTest: (app) => {
      const cols = app.store.data.all<{ name: string }>(`PRAGMA table_info(${quoteId('notes')})`).map((c) => c.name).sort();
      assert.deepEqual(cols, ['id', 'n', 'text']);
    },
  },
  {
    name: 'create auth collection gets system fields', method: 'POST', url: '/api/collections', get headers() { return su(); },
    body: { name: 'members', type: 'auth' }, expectedStatus: 200,
    expectedContent: ['"name":"password"', '"name":"tokenKey"', '"name":"email"', '"name":"emailVisibility"', '"name":"verified"', '"authToken":{"duration":'],
    notExpectedContent: ['"secret"'],
  },
  {
    name: 'create validation errors', method: 'POST', url: '/api/collections', get headers() { return su(); },
    body: { name: 'posts' }, expectedStatus: 400, expectedContent: ['"name":{"code":"validation_collection_name_exists"'],
  },
  { name: 'create invalid name', method: 'POST', url: '/api/collections', get headers() { return su(); }, body: { name: '9 bad' }, expectedStatus: 400, expectedContent: ['validation_match_invalid'] },
  { name: 'create invalid type', method: 'POST', url: '/api/collections', get headers() { return su(); }, body: { name: 'x1', type: 'nope' }, expectedStatus: 400, expectedContent: ['"type":{"code":"validation_in_invalid"'] },
  { name: 'create invalid rule', method: 'POST', url: '/api/collections', get headers() { return su(); }, body: { name: 'x2', listRule: 'missing = 1' }, expectedStatus: 400, expectedContent: ['"listRule":{"code":"validation_invalid_rule"'] },
  { name: 'create invalid index', method: 'POST', url: '/api/collections', get headers() { return su(); }, body: { name: 'x3', indexes: ['DROP TABLE posts'] }, expectedStatus: 400, expectedContent: ['validation_invalid_index_expression'] },
  { name: 'create with a reserved field name', method: 'POST', url: '/api/collections', get headers() { return su(); }, body: { name: 'x4', fields: [{ name: 'expand', type: 'text' }] }, expectedStatus: 400, expectedContent: ['"fields":{'] },
  {
    name: 'create view collection', method: 'POST', url: '/api/collections', get headers() { return su(); },
    body: { name: 'post_counts', type: 'view', listRule: '', viewQuery: 'SELECT author AS id, COUNT(*) AS total FROM posts GROUP BY author' },
    expectedStatus: 200, expectedContent: ['"viewQuery":', '"name":"total"', '"type":"number"'],
  },
  { name: 'create view with bad query', method: 'POST', url: '/api/collections', get headers() { return su(); }, body: { name: 'v2', type: 'view', viewQuery: 'DELETE FROM posts' }, expectedStatus: 400, expectedContent: ['"viewQuery":{'] },
  {
    name: 'rename field and collection keeps data', method: 'PATCH', url: '/api/collections/tags', get headers() { return su(); },
    get body() {
      return { name: 'labels2', fields: [{ id: 'text1579384326', name: 'label', type: 'text', required: true }] };
    },
    expectedStatus: 200, expectedContent: ['"name":"labels2"', '"name":"label"'],
    afterTest: (app) => {
      const rows = app.store.data.all<{ label: string }>('SELECT label FROM labels2 ORDER BY label');
      assert.deepEqual(rows.map((r) => r.label), ['alpha', 'beta']);
    },
  },
  {
    name: 'delete referenced collection fails', method: 'DELETE', url: '/api/collections/tags', get headers() { return su(); }, expectedStatus: 400,
  },
  { name: 'delete system collection fails', method: 'DELETE', url: '/api/collections/_superusers', get headers() { return su(); }, expectedStatus: 400 },
  {
    name: 'delete collection', method: 'DELETE', url: '/api/collections/secrets', get headers() { return su(); }, expectedStatus: 204,
    expectedEvents: { OnCollectionDeleteRequest: 1, OnCollectionDelete: 1, OnCollectionAfterDeleteSuccess: 1 },
    afterTest: (app) => assert.equal(app.collections.find('secrets'), undefined),
  },
  {
    name: 'truncate', method: 'DELETE', url: '/api/collections/secrets/truncate', get headers() { return su(); }, expectedStatus: 204,
    afterTest: (app) => assert.equal(app.store.data.get<{ n: number }>('SELECT COUNT(*) AS n FROM secrets')?.n, 0),
  },
  {
    name: 'import with deleteMissing=false', method: 'PUT', url: '/api/collections/import', get headers() { return su(); },
    body: { collections: [{ name: 'imp_a', type: 'base', fields: [{ name: 'b', type: 'relation', collectionId: 'imp_b_id' }] }, { id: 'imp_b_id', name: 'imp_b', type: 'base', fields: [{ name: 't', type: 'text' }] }], deleteMissing: false },
    expectedStatus: 204,
    afterTest: (app) => {
      assert.ok(app.collections.find('imp_a'));
      assert.ok(app.collections.find('posts'));
    },
  },
  {
    name: 'import failure rolls back', method: 'PUT', url: '/api/collections/import', get headers() { return su(); },
    body: { collections: [{ name: 'imp_ok', type: 'base' }, { name: 'bad name!', type: 'base' }] }, expectedStatus: 400,
    expectedContent: ['validation_collections_import_failure'],
    afterTest: (app) => assert.equal(app.collections.find('imp_ok'), undefined),
  },
  { name: 'import empty list', method: 'PUT', url: '/api/collections/import', get headers() { return su(); }, body: { collections: [] }, expectedStatus: 400, expectedContent: ['validation_required'] },
]);
