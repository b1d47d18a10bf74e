import assert from 'node:assert/strict';
import { fixture } from '../support/fixture.js';
import { scenarios } from '../support/scenario.js';

const fx = () => fixture().dir;
const su = () => ({ authorization: fixture().superuserToken });
const u1 = () => ({ authorization: fixture().user1Token });
const u2 = () => ({ authorization: fixture().user2Token });
const enc = encodeURIComponent;

const CREATE_EVENTS = {
  '*': 0, OnRecordCreateRequest: 1, OnRecordCreate: 1, OnRecordCreateExecute: 1, OnRecordAfterCreateSuccess: 1, OnRecordValidate: 1,
  OnModelCreate: 1, OnModelCreateExecute: 1, OnModelAfterCreateSuccess: 1, OnModelValidate: 1, OnRecordEnrich: 1,
} as const;

scenarios(fx, [
  // list
  { name: 'list unknown collection', method: 'GET', url: '/api/collections/missing/records', expectedStatus: 404, expectedContent: ['Missing collection context.'] },
  { name: 'list with null rule as guest', method: 'GET', url: '/api/collections/secrets/records', expectedStatus: 403, expectedContent: ['Only superusers can perform this action.'] },
  { name: 'list with null rule as superuser', method: 'GET', url: '/api/collections/secrets/records', get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"totalItems":1'] },
  {
    name: 'list rule applies to guests', method: 'GET', url: '/api/collections/posts/records', expectedStatus: 200,
    expectedContent: ['"page":1', '"perPage":30', '"totalItems":2', '"totalPages":1', '"id":"post1aaaaaaaaaa"', '"id":"post3aaaaaaaaaa"'],
    notExpectedContent: ['post2aaaaaaaaaa'], expectedEvents: { OnRecordsListRequest: 1, OnRecordEnrich: 2 },
  },
  { name: 'list rule for the owner', method: 'GET', url: '/api/collections/posts/records', get headers() { return u1(); }, expectedStatus: 200, expectedContent: ['"totalItems":3'] },
  { name: 'list with filter and sort', method: 'GET', url: `/api/collections/posts/records?filter=${enc('views > 5')}&sort=-views`, get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"totalItems":2', '"items":[{'] ,
    afterTest: (_app, body) => assert.deepEqual((body as { items: Array<{ id: string }> }).items.map((i) => i.id), ['post1aaaaaaaaaa', 'post3aaaaaaaaaa']) },
  { name: 'list skipTotal', method: 'GET', url: '/api/collections/posts/records?skipTotal=1&perPage=1', get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"totalItems":-1', '"totalPages":-1', '"perPage":1'] },
  { name: 'list perPage is capped', method: 'GET', url: '/api/collections/posts/records?perPage=5000', get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"perPage":1000'] },
  { name: 'list sort @rowid and @random', method: 'GET', url: '/api/collections/posts/records?sort=-@rowid,@random', get headers() { return su(); }, expectedStatus: 200,
    afterTest: (_app, body) => assert.equal((body as { items: Array<{ id: string }> }).items[0].id, 'post3aaaaaaaaaa') },
  { name: 'list filter through relation', method: 'GET', url: `/api/collections/posts/records?filter=${enc("author.name = 'User Two'")}`, get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"totalItems":1', 'post3aaaaaaaaaa'] },
  { name: 'list filter any-of multi relation', method: 'GET', url: `/api/collections/posts/records?filter=${enc("tags.name ?= 'beta'")}`, get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"totalItems":1', 'post1aaaaaaaaaa'] },
  { name: 'list filter all-of multi relation', method: 'GET', url: `/api/collections/posts/records?filter=${enc("tags.name = 'alpha'")}`, get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"totalItems":1', 'post2aaaaaaaaaa'] },
  { name: 'list filter back relation', method: 'GET', url: `/api/collections/users/records?filter=${enc("posts_via_author.title ?~ 'second'")}`, get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"totalItems":1', 'user2aaaaaaaaaa'] },
  { name: 'list filter select :each', method: 'GET', url: `/api/collections/posts/records?filter=${enc("labels:each ?= 'b'")}`, get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"totalItems":1'] },
  { name: 'list filter :length', method: 'GET', url: `/api/collections/posts/records?filter=${enc('tags:length = 2')}`, get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"totalItems":1'] },
  { name: 'list filter json path', method: 'GET', url: `/api/collections/posts/records?filter=${enc('meta.k = 1')}`, get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"totalItems":1'] },
  { name: 'list bad filter', method: 'GET', url: `/api/collections/posts/records?filter=${enc('title ==== 1')}`, expectedStatus: 400, expectedContent: ['"data":{}'] },
  { name: 'list unknown filter field', method: 'GET', url: `/api/collections/posts/records?filter=${enc('nope = 1')}`, expectedStatus: 400 },
  { name: 'list unknown sort field', method: 'GET', url: '/api/collections/posts/records?sort=nope', expectedStatus: 400 },
  { name: 'list @request filter for guests', method: 'GET', url: `/api/collections/posts/records?filter=${enc("@request.auth.id = ''")}`, expectedStatus: 403, expectedContent: ['Only superusers can filter by @request.'] },
  { name: 'list @collection filter for users', method: 'GET', url: `/api/collections/posts/records?filter=${enc("@collection.tags.name = 'x'")}`, get headers() { return u1(); }, expectedStatus: 403 },
  { name: 'list hidden field filter for users', method: 'GET', url: `/api/collections/users/records?filter=${enc("tokenKey != ''")}`, get headers() { return u1(); }, expectedStatus: 400 },
  { name: 'list too long filter', method: 'GET', url: `/api/collections/posts/records?filter=${enc('title = 1 || '.repeat(400) + 'title = 2')}`, expectedStatus: 400 },
  { name: 'list fields picker with excerpt', method: 'GET', url: `/api/collections/posts/records?filter=${enc("id='post1aaaaaaaaaa'")}&fields=${enc('id,body:excerpt(10,true)')}`, expectedStatus: 200, expectedContent: ['"items":[{"body":"First post...","id":"post1aaaaaaaaaa"}]'] },
  { name: 'list bad fields modifier', method: 'GET', url: '/api/collections/posts/records?fields=id:nope', expectedStatus: 400 },
  {
    name: 'list expand with nested and back relation', method: 'GET', url: `/api/collections/posts/records?filter=${enc("id='post1aaaaaaaaaa'")}&expand=${enc('author,tags,author.posts_via_author')}`, get headers() { return u1(); }, expectedStatus: 200,
    expectedContent: ['"expand":{"author":{', '"tags":[{', '"posts_via_author":[{', '"name":"alpha"'],
  },
  { name: 'expand skips records failing the view rule', method: 'GET', url: '/api/collections/posts/records/post1aaaaaaaaaa?expand=author', expectedStatus: 200, expectedContent: ['"expand":{}'], notExpectedContent: ['"collectionName":"users"'] },
  // view
  { name: 'view public record as guest', method: 'GET', url: '/api/collections/posts/records/post1aaaaaaaaaa', expectedStatus: 200, expectedContent: ['"collectionName":"posts"', '"collectionId":"', '"title":"Hello world"', '"labels":["a","b"]', '"meta":{"k":1}'], expectedEvents: { '*': 0, OnRecordViewRequest: 1, OnRecordEnrich: 1 } },
  { name: 'view private record as guest', method: 'GET', url: '/api/collections/posts/records/post2aaaaaaaaaa', expectedStatus: 404 },
  { name: 'view private record as owner', method: 'GET', url: '/api/collections/posts/records/post2aaaaaaaaaa', get headers() { return u1(); }, expectedStatus: 200 },
  { name: 'view missing record', method: 'GET', url: '/api/collections/posts/records/missing', get headers() { return su(); }, expectedStatus: 404 },
  { name: 'view record of view collection', method: 'GET', url: '/api/collections/posts_view/records/post1aaaaaaaaaa', expectedStatus: 200, expectedContent: ['"views":10'] },
  { name: 'auth record email hidden from others', method: 'GET', url: '/api/collections/users/records/user1aaaaaaaaaa', get headers() { return su(); }, expectedStatus: 200, expectedContent: ['"email":"user1@example.com"'], notExpectedContent: ['"password"', '"tokenKey"'] },
  { name: 'own auth record shows email', method: 'GET', url: '/api/collections/users/records/user1aaaaaaaaaa', get headers() { return u1(); }, expectedStatus: 200, expectedContent: ['"email":"user1@example.com"'] },
  { name: 'other users email hidden', method: 'GET', url: `/api/collections/users/records?filter=${enc("id='user1aaaaaaaaaa'")}`, get headers() { return u2(); }, expectedStatus: 200, expectedContent: ['"totalItems":0'] },
  // create
  { name: 'create as guest fails the create rule', method: 'POST', url: '/api/collections/posts/records', body: { title: 'x', author: 'user1aaaaaaaaaa' }, expectedStatus: 400, expectedContent: ['Failed to create record.'],
    afterTest: (app) => assert.equal(app.store.data.get<{ n: number }>('SELECT COUNT(*) AS n FROM posts')?.n, 3) },
  { name: 'create with someone else as author fails', method: 'POST', url: '/api/collections/posts/records', get headers() { return u1(); }, body: { title: 'x', author: 'user2aaaaaaaaaa' }, expectedStatus: 400 },
  {
    name: 'create as user', method: 'POST', url: '/api/collections/posts/records?expand=author', get headers() { return u1(); },
    body: { id: 'newpostaaaaaaaa', title: 'New', views: 1, labels: ['c'], author: 'user1aaaaaaaaaa', tags: ['tagaaaaaaaaaaaa'] }, expectedStatus: 200,
    expectedContent: ['"id":"newpostaaaaaaaa"', '"title":"New"', '"expand":{"author":{'],
    expectedEvents: { ...CREATE_EVENTS, OnRecordEnrich: 2 },
  },
  { name: 'create with validation errors', method: 'POST', url: '/api/collections/posts/records', get headers() { return su(); }, body: { title: '', views: -1, status: 'nope', author: 'missingmissingm', labels: ['a', 'z'] }, expectedStatus: 400,
    expectedContent: ['"title":{"code":"validation_required"', '"views":{"code":"validation_min_number_constraint"', '"author":{"code":"validation_missing_rel_records"', '"status":{'] },
  { name: 'create in a view collection', method: 'POST', url: '/api/collections/posts_view/records', get headers() { return su(); }, body: { title: 'x' }, expectedStatus: 400, expectedContent: ['Unsupported collection type.'] },
  { name: 'create with a duplicate id', method: 'POST', url: '/api/collections/posts/records', get headers() { return su(); }, body: { id: 'post1aaaaaaaaaa', title: 'dup' }, expectedStatus: 400, expectedContent: ['"id":{"code":"validation_not_unique"'] },
  { name: 'create with an invalid id', method: 'POST', url: '/api/collections/posts/records', get headers() { return su(); }, body: { id: 'SHORT', title: 'x' }, expectedStatus: 400, expectedContent: ['"id":{'] },
  { name: 'create with urlencoded body', method: 'POST', url: '/api/collections/tags/records', get headers() { return { ...su(), 'content-type': 'application/x-www-form-urlencoded' }; }, body: 'name=gamma', expectedStatus: 200, expectedContent: ['"name":"gamma"'] },
  {
    name: 'create with multipart @jsonPayload', method: 'POST', url: '/api/collections/tags/records',
    get headers() { return { ...su(), 'content-type': 'multipart/form-data; boundary=XyZ' }; },
    body: '--XyZ\r\nContent-Disposition: form-data; name="@jsonPayload"\r\n\r\n{"name":"delta"}\r\n--XyZ--\r\n',
    expectedStatus: 200, expectedContent: ['"name":"delta"'],
  },
  { name: 'create with malformed json', method: 'POST', url: '/api/collections/tags/records', get headers() { return { ...su(), 'content-type': 'application/json' }; }, body: '{"name":', expectedStatus: 400 },
  { name: 'create with a json array body', method: 'POST', url: '/api/collections/tags/records', get headers() { return su(); }, body: [1, 2], expectedStatus: 400 },
  { name: 'create auth record as guest', method: 'POST', url: '/api/collections/users/records', body: { email: 'new@example.com', password: '1234567890', passwordConfirm: '1234567890' }, expectedStatus: 200, notExpectedContent: ['"email"', '"password"', '"tokenKey"'] },
  { name: 'create auth record password mismatch', method: 'POST', url: '/api/collections/users/records', body: { email: 'new@example.com', password: '1234567890', passwordConfirm: 'x' }, expectedStatus: 400, expectedContent: ['"passwordConfirm":{"code":"validation_values_mismatch"'] },
  { name: 'create auth record duplicate email', method: 'POST', url: '/api/collections/users/records', body: { email: 'USER1@example.com', password: '1234567890', passwordConfirm: '1234567890' }, expectedStatus: 400, expectedContent: ['"email":{"code":"validation_not_unique"'] },
  { name: 'create auth record setting verified as guest', method: 'POST', url: '/api/collections/users/records', body: { email: 'v@example.com', password: '1234567890', passwordConfirm: '1234567890', verified: true }, expectedStatus: 400, expectedContent: ['"verified":{'] },
  // update
  { name: 'update as non-owner is 404', method: 'PATCH', url: '/api/collections/posts/records/post1aaaaaaaaaa', get headers() { return u2(); }, body: { title: 'hack' }, expectedStatus: 404 },
  {
    name: 'update with modifiers', method: 'PATCH', url: '/api/collections/posts/records/post1aaaaaaaaaa', get headers() { return u1(); },
    body: { 'views+': 5, 'labels-': 'a', '+labels': 'c', 'tags-': ['tagbbbbbbbbbbbb'] }, expectedStatus: 200,
    expectedContent: ['"views":15', '"labels":["c","b"]', '"tags":["tagaaaaaaaaaaaa"]'],
    expectedEvents: { OnRecordUpdateRequest: 1, OnRecordUpdate: 1, OnRecordAfterUpdateSuccess: 1, OnModelUpdate: 1 },
  },
  { name: 'update ignores id change', method: 'PATCH', url: '/api/collections/posts/records/post1aaaaaaaaaa', get headers() { return su(); }, body: { id: 'otheridaaaaaaaa', title: 'T' }, expectedStatus: 200, expectedContent: ['"id":"post1aaaaaaaaaa"'] },
  { name: 'update password without oldPassword', method: 'PATCH', url: '/api/collections/users/records/user1aaaaaaaaaa', get headers() { return u1(); }, body: { password: 'newpassword1', passwordConfirm: 'newpassword1' }, expectedStatus: 400, expectedContent: ['"oldPassword":{"code":"validation_required"'] },
  { name: 'update password with oldPassword', method: 'PATCH', url: '/api/collections/users/records/user1aaaaaaaaaa', get headers() { return u1(); }, body: { password: 'newpassword1', passwordConfirm: 'newpassword1', oldPassword: '1234567890' }, expectedStatus: 200 },
  { name: 'update password by superuser', method: 'PATCH', url: '/api/collections/users/records/user1aaaaaaaaaa', get headers() { return su(); }, body: { password: 'newpassword1', passwordConfirm: 'newpassword1' }, expectedStatus: 200 },
  // delete
  { name: 'delete with null rule as user', method: 'DELETE', url: '/api/collections/secrets/records/secret1aaaaaaaa', get headers() { return u1(); }, expectedStatus: 403 },
  { name: 'delete as non-owner is 404', method: 'DELETE', url: '/api/collections/posts/records/post1aaaaaaaaaa', get headers() { return u2(); }, expectedStatus: 404 },
  {
    name: 'delete as owner', method: 'DELETE', url: '/api/collections/posts/records/post1aaaaaaaaaa', get headers() { return u1(); }, expectedStatus: 204,
    expectedEvents: { '*': 0, OnRecordDeleteRequest: 1, OnRecordDelete: 1, OnRecordDeleteExecute: 1, OnRecordAfterDeleteSuccess: 1, OnModelDelete: 1, OnModelDeleteExecute: 1, OnModelAfterDeleteSuccess: 1 },
  },
  {
    name: 'deleting a referenced record removes the reference', method: 'DELETE', url: '/api/collections/tags/records/tagbbbbbbbbbbbb', get headers() { return su(); }, expectedStatus: 204,
    afterTest: (app) => assert.equal(app.store.data.get<{ tags: string }>("SELECT tags FROM posts WHERE id = 'post1aaaaaaaaaa'")?.tags, '["tagaaaaaaaaaaaa"]'),
  },
]);
