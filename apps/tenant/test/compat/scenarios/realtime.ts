/**
 * Realtime through the SDK's subscribe(): who receives a create (list rule per subscriber),
 * record topics (view rule), `filter` options, update and delete messages, unsubscribe.
 * Each step collects messages until the expected ones arrived, plus a short quiet period
 * for strays, and compares `action:title` per subscriber exactly.
 */
import { EventSource } from 'eventsource';
import type PocketBase from 'pocketbase';
import { step, type Scenario, type StepContext } from '../scenario.js';

(globalThis as { EventSource?: unknown }).EventSource = EventSource;

const WAIT_MS = 5_000;
const QUIET_MS = 300;

type Inbox = Record<string, string[]>;

/** Subscribes each named client to `topic`, runs `act`, and returns what each received. */
async function collect(clients: Record<string, PocketBase>, topic: string, act: () => Promise<void>, expected: number, options?: Record<string, unknown>): Promise<Inbox> {
  const inbox: Inbox = Object.fromEntries(Object.keys(clients).map((k) => [k, []]));
  let total = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  const unsubs: Array<() => Promise<void>> = [];
  for (const [name, pb] of Object.entries(clients)) {
    unsubs.push(await pb.collection('rt_items').subscribe(topic, (e) => {
      inbox[name].push(`${e.action}:${String(e.record.title)}`);
      if (++total >= expected) done();
    }, options));
  }
  try {
    await act();
    await Promise.race([all, new Promise((r) => setTimeout(r, WAIT_MS))]);
    await new Promise((r) => setTimeout(r, QUIET_MS));
  } finally {
    for (const u of unsubs) await u();
  }
  return inbox;
}

const create = (ctx: StepContext, title: string) => ctx.su.collection('rt_items').create({ title, owner: ctx.get('aliceId') });

/** Realtime subscriptions. */
export const realtimeScenario: Scenario = {
  name: 'realtime',
  steps: [
    step('create a collection for realtime', 'ok', ({ su }) => su.collections.create({
      name: 'rt_items', type: 'base',
      listRule: 'owner = @request.auth.id', viewRule: 'owner = @request.auth.id',
      fields: [{ name: 'title', type: 'text' }, { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 }],
    })),
    step('a create reaches only the subscribers the list rule lets see it', 'ok', async (ctx) => {
      const inbox = await collect({ alice: ctx.alice, bob: ctx.bob, guest: ctx.client() }, '*', async () => {
        ctx.set('rtItem', (await create(ctx, 'first')).id);
      }, 1);
      ctx.exact('inbox', inbox);
      return inbox;
    }),
    step('a record topic gets its updates (view rule)', 'ok', async (ctx) => {
      const inbox = await collect({ alice: ctx.alice, bob: ctx.bob }, ctx.get('rtItem'), async () => {
        await ctx.su.collection('rt_items').update(ctx.get('rtItem'), { title: 'renamed' });
      }, 1);
      ctx.exact('inbox', inbox);
      return inbox;
    }),
    step('a filter option narrows the messages', 'ok', async (ctx) => {
      const inbox = await collect({ alice: ctx.alice }, '*', async () => {
        await create(ctx, 'drop');
        await create(ctx, 'keep');
      }, 1, { filter: 'title = "keep"' });
      ctx.exact('inbox', inbox);
      return inbox;
    }),
    step('a delete is sent to the subscribers who could see the record', 'ok', async (ctx) => {
      const inbox = await collect({ alice: ctx.alice, bob: ctx.bob }, '*', async () => {
        await ctx.su.collection('rt_items').delete(ctx.get('rtItem'));
      }, 1);
      ctx.exact('inbox', inbox);
      return inbox;
    }),
    step('delete the realtime collection', 'ok', ({ su }) => su.collections.delete('rt_items')),
  ],
};
