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
  /** The address each stream was opened from: only it may set that stream's subscriptions. */
  const ips = new Map<string, string>();

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
    const client: Client<RecordModel> = new Client(
      newClientId(),
      {
        write: (chunk) => {
          if (raw.destroyed) return false;
          raw.write(chunk);
          return raw.writableLength <= opts.maxBufferedBytes;
        },
        end: () => raw.end(),
      },
      () => idle?.refresh(),
    );
    idle = setTimeout(() => client.close(), opts.idleTimeoutMs);
    const lifetime = setTimeout(() => client.close(), opts.maxLifetimeMs);
    ips.set(client.id, request.ip);
    broker.add(client);
    const gone = () => {
      ips.delete(client.id);
      clearTimeout(idle);
      clearTimeout(lifetime);
      broker.remove(client.id);
      client.close();
    };
    raw.once('close', gone);
    request.raw.once('close', gone);
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
    if (ips.get(clientId) !== request.ip) throw badRequest('Invalid realtime client.');
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
  for (const client of broker.all()) {
    if (!client.auth || client.auth.id !== record.id || client.auth.collection.id !== record.collection.id) continue;
    client.auth = client.auth.get('tokenKey') === record.get('tokenKey') ? record : undefined;
  }
}

/** Clients authenticated as a deleted record continue as guests. */
function dropAuth(broker: Broker<RecordModel>, record: RecordModel): void {
  if (record.collection.type !== 'auth') return;
  for (const client of broker.all()) {
    if (client.auth && client.auth.id === record.id && client.auth.collection.id === record.collection.id) client.auth = undefined;
  }
}
