/**
 * Seeds identical data into a target through the official SDK as the superuser:
 * a `users` record, `bench_posts` with N records (fixed ids and values from a seeded
 * PRNG, so every target gets the same rows), and `bench_writes` for the create bench.
 */
import PocketBase from 'pocketbase';
import { DEFAULT_SUPERUSER } from '../../apps/tenant/test/support/processes.js';

/** The auth record used for create and auth-refresh. */
export const BENCH_USER = { email: 'bench@example.com', password: 'bench-pass-123' } as const;

/** What the benchmarks need to know about the seeded data. */
export interface SeedResult {
  /** Ids of every bench_posts record, in insertion order. */
  postIds: string[];
  /** Auth token of BENCH_USER. */
  userToken: string;
}

const BATCH_SIZE = 500;
const WORDS = [
  'alpha', 'bravo', 'cedar', 'delta', 'ember', 'fjord', 'gusto', 'heron', 'igloo', 'jolly',
  'koala', 'lemon', 'mirth', 'nylon', 'orbit', 'prism', 'quill', 'rover', 'sushi', 'tulip',
  'umber', 'vivid', 'whirl', 'xenon', 'yodel', 'zesty',
];

/** Seeds `records` bench_posts records (and the rest) into the server at `url`. */
export async function seed(url: string, records: number): Promise<SeedResult> {
  const su = new PocketBase(url);
  su.autoCancellation(false);
  await su.collection('_superusers').authWithPassword(DEFAULT_SUPERUSER.email, DEFAULT_SUPERUSER.password);
  await su.settings.update({
    batch: { enabled: true, maxRequests: BATCH_SIZE, timeout: 60, maxBodySize: 0 },
  });

  const users = await su.collections.getOne('users');
  const user = await su.collection('users').create({
    email: BENCH_USER.email,
    password: BENCH_USER.password,
    passwordConfirm: BENCH_USER.password,
    name: 'Bench',
  });

  await su.collections.create({
    name: 'bench_posts',
    type: 'base',
    fields: [
      { name: 'title', type: 'text', required: true, max: 200 },
      { name: 'score', type: 'number' },
      { name: 'author', type: 'relation', collectionId: users.id, maxSelect: 1 },
      { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
      { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
    ],
    indexes: ['CREATE INDEX idx_bench_posts_score ON bench_posts (score)'],
    listRule: '',
    viewRule: '',
  });
  await su.collections.create({
    name: 'bench_writes',
    type: 'base',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'n', type: 'number' },
      { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
    ],
    createRule: '@request.auth.id != "" && @request.body.title != ""',
  });

  const rand = mulberry32(0x5eed);
  const postIds: string[] = [];
  for (let start = 0; start < records; start += BATCH_SIZE) {
    const batch = su.createBatch();
    for (let i = start; i < Math.min(records, start + BATCH_SIZE); i++) {
      const id = recordId(i);
      postIds.push(id);
      batch.collection('bench_posts').create({
        id,
        title: `${pick(WORDS, rand)} ${pick(WORDS, rand)} ${pick(WORDS, rand)}`,
        score: Math.floor(rand() * 1001),
        author: rand() < 0.5 ? user.id : '',
      });
    }
    await batch.send();
  }

  const check = await su.collection('bench_posts').getList(1, 1);
  if (check.totalItems !== records) {
    throw new Error(`seeding ${url}: expected ${records} bench_posts, found ${check.totalItems}`);
  }

  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  const auth = await pb.collection('users').authWithPassword(BENCH_USER.email, BENCH_USER.password);
  return { postIds, userToken: auth.token };
}

/** A valid 15-char `[a-z0-9]` record id derived from the row number. */
function recordId(i: number): string {
  return `bench${i.toString(36).padStart(10, '0')}`;
}

function pick<T>(list: readonly T[], rand: () => number): T {
  return list[Math.floor(rand() * list.length)];
}

/** Small seeded PRNG so both targets get the same titles and scores. */
function mulberry32(seedValue: number): () => number {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
