/**
 * Realtime (PB-API.md): `GET /api/realtime` opens a server-sent-events stream whose first
 * event, PB_CONNECT, carries the client id; `POST /api/realtime` sets that client's
 * subscriptions and auth. Record changes reach subscribers after their transaction commits
 * (realtime_messages.ts). A stream ends after 5 minutes without a message or 30 minutes in
 * all (the SDK reconnects and subscribes again), when the client cannot keep up, and when the
 * server closes.
 */
import type { FastifyInstance } from 'fastify';
import type { TenantApp } from '../core/app.js';
import type { Collection } from '../core/collection_model.js';
import type { RecordModel } from '../core/record_model.js';
import { badRequest, forbidden, notFound } from '../tools/router/api_error.js';
import { Broker, Client, newClientId, parseTopic } from '../tools/subscriptions/broker.js';
import { readBody } from './body.js';
import { deliver, recordDeliveries, type Delivery } from './realtime_messages.js';

/** Timing and size limits of realtime streams. */
export interface RealtimeOptions {
  /** A stream with no message for this long is closed (ms, 5 minutes). */
  idleTimeoutMs: number;
  /** Every stream is closed after this long (ms, 30 minutes). */
  maxLifetimeMs: number;
  /** Unsent bytes a client may fall behind by before it is dropped. */
  maxBufferedBytes: number;
}

const DEFAULTS: RealtimeOptions = { idleTimeoutMs: 5 * 60_000, maxLifetimeMs: 30 * 60_000, maxBufferedBytes: 4 << 20 };
const MAX_SUBSCRIPTIONS = 1000;
const MAX_TOPIC_LENGTH = 2500;

type RecordEvent = { record: RecordModel; next(): void };

/** Binds the realtime routes and the record events that feed them; returns the broker. */
export function bindRealtimeApi(app: TenantApp, server: FastifyInstance, options: Partial<RealtimeOptions> = {}): Broker<RecordModel> {
  const opts = { ...DEFAULTS, ...options };
  const broker = new Broker<RecordModel>();

  server.get('/api/realtime', (request, reply) => {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'access-control-allow-origin': '*',
    });
    let idle: NodeJS.Timeout | undefined;
    let lifetime: NodeJS.Timeout | undefined;
    const id = newClientId();
    const client: Client<RecordModel> = new Client(
      id,
      {
        write: (chunk) => {
          if (raw.destroyed) return false;
          raw.write(chunk);
          return raw.writableLength <= opts.maxBufferedBytes;
        },
        // Forgotten at once, whatever ends it; a stream with unsent bytes (a stuck reader) is
        // destroyed, since a graceful end would wait for it forever.
        end: () => {
          clearTimeout(idle);
          clearTimeout(lifetime);
          broker.remove(id);
          if (raw.writableLength > 0) raw.destroy();
          else raw.end();
        },
      },
      () => idle?.refresh(),
    );
    idle = setTimeout(() => client.close(), opts.idleTimeoutMs);
    lifetime = setTimeout(() => client.close(), opts.maxLifetimeMs);
    broker.add(client);
    raw.once('close', () => client.close());
    request.raw.once('close', () => client.close());
    // Gone before the listeners were there (aborted under load): nothing would fire again.
    if (raw.destroyed || request.raw.destroyed || request.raw.socket?.destroyed) {
      client.close();
      return;
    }
    client.send({ name: 'PB_CONNECT', data: JSON.stringify({ clientId: client.id }) });
  });

  server.post('/api/realtime', async (request, reply) => {
    const { data } = await readBody(request);
    const clientId = typeof data.clientId === 'string' ? data.clientId : '';
    const topics = data.subscriptions ?? [];
    if (!clientId) throw badRequest('', { clientId: { code: 'validation_required', message: 'Cannot be blank.' } });
    if (!Array.isArray(topics) || topics.some((t) => typeof t !== 'string')) {
      throw badRequest('', { subscriptions: { code: 'validation_invalid_value', message: 'Must be a list of topics.' } });
    }
    if (topics.length > MAX_SUBSCRIPTIONS) {
      throw badRequest('', { subscriptions: { code: 'validation_length_too_long', message: `The maximum allowed subscriptions are ${MAX_SUBSCRIPTIONS}.` } });
    }
    const long = topics.findIndex((t: string) => t.length > MAX_TOPIC_LENGTH);
    if (long >= 0) {
      throw badRequest('', { subscriptions: { code: 'validation_length_too_long', message: `Topic ${long} is longer than ${MAX_TOPIC_LENGTH} characters.` } });
    }
    for (const topic of topics as string[]) {
      try {
        parseTopic(topic);
      } catch {
        throw badRequest('', { subscriptions: { code: 'validation_invalid_value', message: `Invalid options in topic ${JSON.stringify(topic.slice(0, 100))}.` } });
      }
    }
    const client = broker.get(clientId);
    if (!client) throw notFound('Missing or invalid client id.');
    const auth = request.auth;
    // Once a client has an auth, a request with another one must not take its stream over.
    if (client.auth && (!auth || auth.id !== client.auth.id || auth.collection.id !== client.auth.collection.id)) {
      throw forbidden("The current and the previous request authorization don't match.");
    }
    client.auth = auth;
    client.replaceSubscriptions(topics as string[]);
    return reply.code(204).send();
  });

  const unbind = bindRecordEvents(app, broker);
  server.addHook('preClose', (done) => {
    broker.closeAll();
    done();
  });
  // The app may outlive this server (tests, the standby's warm-up): its hooks must not keep it.
  server.addHook('onClose', (_instance, done) => {
    unbind();
    done();
  });
  return broker;
}

/**
 * Record changes into messages; auth records that change or go update their clients' auth.
 * Returns the function that unbinds the hooks. A failure while building messages never fails
 * the write that caused them (it has committed already): those messages are dropped.
 */
function bindRecordEvents(app: TenantApp, broker: Broker<RecordModel>): () => void {
  const safely = (build: () => Delivery[]): Delivery[] => {
    if (broker.size === 0) return [];
    try {
      return build();
    } catch {
      return [];
    }
  };
  const offs = [
    app.hooks.on<RecordEvent>('OnRecordAfterCreateSuccess', (e) => {
      deliver(safely(() => recordDeliveries(app, broker, 'create', e.record)));
      e.next();
    }),
    app.hooks.on<RecordEvent>('OnRecordAfterUpdateSuccess', (e) => {
      refreshAuth(broker, e.record);
      deliver(safely(() => recordDeliveries(app, broker, 'update', e.record)));
      e.next();
    }),
    // Revoking every token of an auth collection (new token secret, or the collection deleted)
    // makes its users' streams guests, as their tokens would be.
    app.hooks.on<{ collection: Collection; next(): void }>('OnCollectionAfterUpdateSuccess', (e) => {
      dropCollectionAuth(broker, e.collection, (held) => held.auth?.authToken.secret !== e.collection.auth?.authToken.secret);
      e.next();
    }),
    app.hooks.on<{ collection: Collection; next(): void }>('OnCollectionAfterDeleteSuccess', (e) => {
      dropCollectionAuth(broker, e.collection, () => true);
      e.next();
    }),
    // Built before the row goes (the rules need it), sent only once the delete commits.
    app.hooks.on<RecordEvent>('OnRecordDeleteExecute', (e) => {
      const record = e.record;
      const deliveries = safely(() => recordDeliveries(app, broker, 'delete', record));
      e.next();
      app.afterCommit(() => {
        deliver(deliveries);
        dropAuth(broker, record);
      });
    }),
  ];
  return () => offs.forEach((off) => off());
}

/**
 * Clients authenticated as `record` see its new state in later rule checks; when its tokenKey
 * changed (password or email change: every token revoked), they continue as guests.
 */
function refreshAuth(broker: Broker<RecordModel>, record: RecordModel): void {
  if (record.collection.type !== 'auth') return;
  for (const client of authenticatedAs(broker, record)) client.auth = client.auth?.get('tokenKey') === record.get('tokenKey') ? record : undefined;
}

/** The clients whose auth is `record`. */
function authenticatedAs(broker: Broker<RecordModel>, record: RecordModel): Client<RecordModel>[] {
  return [...broker.all()].filter((c) => c.auth?.id === record.id && c.auth.collection.id === record.collection.id);
}

/** Clients authenticated in `collection` continue as guests when `revoked(the collection their auth was loaded with)`. */
function dropCollectionAuth(broker: Broker<RecordModel>, collection: Collection, revoked: (held: Collection) => boolean): void {
  for (const client of broker.all()) {
    if (client.auth && client.auth.collection.id === collection.id && revoked(client.auth.collection)) client.auth = undefined;
  }
}

/** Clients authenticated as a deleted record continue as guests. */
function dropAuth(broker: Broker<RecordModel>, record: RecordModel): void {
  if (record.collection.type !== 'auth') return;
  for (const client of authenticatedAs(broker, record)) client.auth = undefined;
}
