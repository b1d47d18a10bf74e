/** The comments example's API, as PocketBase's ApiScenario tests it: 201 and the create events, or a clean refusal. */
import { generateRecordToken, newTestApp, scenarios, type ApiScenario, type TestApp } from '@burrow/tenant/testing';
import { MIGRATIONS_DIR, setup } from './app.js';

let userToken = '';
let otherToken = '';

/** The example app on an empty data dir with its migrations, two users and one comment of the first. */
function commentsApp(): TestApp {
  const app = newTestApp(undefined, { migrationsDir: MIGRATIONS_DIR });
  setup(app);
  const ann = app.records.create('users', { email: 'ann@example.com', password: '1234567890', passwordConfirm: '1234567890' });
  app.records.create('users', { email: 'bob@example.com', password: '1234567890', passwordConfirm: '1234567890' });
  userToken = generateRecordToken(app, 'users', 'ann@example.com');
  otherToken = generateRecordToken(app, 'users', 'bob@example.com');
  app.onBootstrap((e) => {
    // After the migrations: the comments collection exists now.
    app.records.create('comments', { id: 'comment1aaaaaaa', text: 'first!', author: ann.id });
    e.next();
  });
  return app;
}

const list: ApiScenario[] = [
  {
    name: 'a signed-in user posts a comment: 201, saved for them, the create events once',
    method: 'POST', url: '/api/comments', body: { text: '  hello world  ' },
    get headers() { return { authorization: userToken }; },
    testAppFactory: commentsApp,
    expectedStatus: 201,
    expectedContent: ['"text":"hello world"', '"collectionName":"comments"', '"author":"'],
    expectedEvents: {
      OnRecordCreate: 1, OnRecordCreateExecute: 1, OnRecordAfterCreateSuccess: 1, OnRecordValidate: 1,
      OnModelCreate: 1, OnModelCreateExecute: 1, OnModelAfterCreateSuccess: 1, OnModelValidate: 1, OnRecordCreateRequest: 0,
    },
    afterTest: (app, body) => {
      const saved = app.store.data.get<{ author: string; text: string }>('SELECT author, text FROM comments WHERE id = ?', [(body as { id: string }).id]);
      const ann = app.store.data.get<{ id: string }>("SELECT id FROM users WHERE email = 'ann@example.com'");
      if (saved?.author !== ann?.id || saved?.text !== 'hello world') throw new Error(`saved ${JSON.stringify(saved)}`);
    },
  },
  {
    name: 'a guest is refused with 401 and nothing is saved',
    method: 'POST', url: '/api/comments', body: { text: 'hi' },
    testAppFactory: commentsApp,
    expectedStatus: 401,
    expectedContent: ['"message":"The request requires valid record authorization token."'],
    expectedEvents: { '*': 0 },
  },
  {
    name: 'a blank comment is a 400 with a field code',
    method: 'POST', url: '/api/comments', body: { text: '   ' },
    get headers() { return { authorization: userToken }; },
    testAppFactory: commentsApp,
    expectedStatus: 400,
    expectedContent: ['"text":{"code":"validation_required"'],
    expectedEvents: { '*': 0 },
  },
  {
    name: 'anyone lists the comments',
    method: 'GET', url: '/api/collections/comments/records',
    testAppFactory: commentsApp,
    expectedStatus: 200,
    expectedContent: ['"totalItems":1', '"text":"first!"'],
  },
  {
    name: 'another user cannot edit a comment (update rule): 404',
    method: 'PATCH', url: '/api/collections/comments/records/comment1aaaaaaa', body: { text: 'mine now' },
    get headers() { return { authorization: otherToken }; },
    testAppFactory: commentsApp,
    expectedStatus: 404,
  },
  {
    name: 'the author cannot move the comment to someone else (hook): 400',
    method: 'PATCH', url: '/api/collections/comments/records/comment1aaaaaaa', body: { author: 'someoneelse0000' },
    get headers() { return { authorization: userToken }; },
    testAppFactory: commentsApp,
    expectedStatus: 400,
    expectedContent: ['The author of a comment cannot change.'],
    expectedEvents: { OnRecordUpdateRequest: 1, OnRecordUpdate: 0 },
  },
];

scenarios(() => undefined, list);
