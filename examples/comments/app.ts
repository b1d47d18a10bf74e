/**
 * The classic "comments" example on Burrow: a POST /api/comments route for signed-in users
 * that saves a comment for the authenticated user, with the activity logger; the `comments`
 * collection comes from a migration kept beside this file.
 *
 *   npx tsx examples/comments/app.ts            # serves ./pb_data on 127.0.0.1:8090
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activityLogger, badRequest, createApp, requireAuth, type BurrowApp } from '@burrow/tenant';

/** Where this app's migrations live. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Binds the app's routes and hooks (the server and the tests share it). */
export function setup(app: BurrowApp): void {
  app.onServe((e) => {
    e.router.post('/api/comments', (r) => {
      const text = typeof r.body.text === 'string' ? r.body.text.trim() : '';
      if (!text) throw badRequest('Failed to save the comment.', { text: { code: 'validation_required', message: 'Cannot be blank.' } });
      const comment = app.records.create('comments', { text, author: r.auth?.id });
      r.json(201, comment);
    }, requireAuth('users'), activityLogger());
    e.next();
  });
  // Comments keep their author: nobody may move one to someone else through the API.
  app.onRecordUpdateRequest((e) => {
    if (e.record.get('author') !== e.record.original?.author) throw badRequest('The author of a comment cannot change.');
    e.next();
  }, 'comments');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const app = createApp({ dir: join(process.cwd(), 'pb_data'), migrationsDir: MIGRATIONS_DIR });
  setup(app);
  const running = await app.start({ http: '127.0.0.1:8090' });
  process.stdout.write(`comments example at ${running.url}\n`);
  process.once('SIGINT', () => void running.stop());
  process.once('SIGTERM', () => void running.stop());
}
