/**
 * Burrow as a library, as PocketBase is a framework: open an app, add hooks, routes and crons,
 * start it.
 *
 *   const app = createApp({ dir: './pb_data' });
 *   app.onServe((e) => { e.router.post('/comment', handler, requireAuth()); e.next(); });
 *   app.onRecordCreateRequest((e) => { ...; e.next(); }, 'comments');
 *   const running = await app.start({ http: '127.0.0.1:8090' });
 *
 * Hooks are synchronous, as PocketBase's: model and request hooks run inside the request's
 * SQLite transaction (throw an ApiError to abort it; change `e.record` to change what is saved).
 * Work that must wait for something goes in a custom route, or in an After...Success hook (run
 * after the commit).
 */
import type { FastifyInstance } from 'fastify';
import { TenantApp, type TenantAppOptions } from '../core/app.js';
import type { Collection } from '../core/collection_model.js';
import type { Cron } from '../core/cron.js';
import type { HookEvent, HookName } from '../core/hooks.js';
import type { RecordModel } from '../core/record_model.js';
import type { RequestInfo } from '../core/request_info.js';
import { parseHttpAddress } from '../tools/net/http_address.js';
import { RecordsApi } from './records_api.js';
import { startServing, type ServeEvent } from './serving.js';

/** Record events of the model pipeline (inside the transaction, or after it for After...). */
export interface RecordEvent {
  app: TenantApp;
  record: RecordModel;
}

/** Record request events: the record as submitted (create/update) or loaded (delete). */
export interface RecordRequestEvent {
  app: TenantApp;
  collection: Collection;
  record: RecordModel;
  requestInfo: RequestInfo;
}

/** List and view request events. */
export interface RecordsRequestEvent {
  app: TenantApp;
  collection: Collection;
  requestInfo: RequestInfo;
}

/** A handler: call `e.next()` to go on (skip it to stop the chain), throw to abort. */
export type Handler<E> = (e: HookEvent<E>) => void;

/** A running app. */
export interface RunningApp {
  url: string;
  server: FastifyInstance;
  /** Stops serving (in-flight requests finish) and closes the databases. */
  stop(): Promise<void>;
}

/** An app built on Burrow's tenant. */
export class BurrowApp {
  /** The tenant underneath (collections, settings, logs, mailer, ...). */
  readonly app: TenantApp;
  /** Records with the app's rights (no API rules). */
  readonly records: RecordsApi;

  /** Opens the data directory, or takes an already open tenant. */
  constructor(opts: TenantAppOptions | TenantApp) {
    this.app = opts instanceof TenantApp ? opts : TenantApp.open(opts);
    this.records = new RecordsApi(this.app);
  }

  /** Cron jobs: `app.cron.add(id, '*\/5 * * * *', fn)`; listed by `GET /api/crons`. */
  get cron(): Cron {
    return this.app.cron;
  }

  /** Binds a handler to any event by name (see HOOK_NAMES); returns the unbind function. */
  on<E>(name: HookName, handler: Handler<E>): () => void {
    return this.app.hooks.on<E>(name, handler);
  }

  /** Before the server listens: add routes with `e.router`. */
  onServe(handler: Handler<ServeEvent>): () => void {
    return this.on('OnServe', handler);
  }

  onBootstrap(handler: Handler<{ app: TenantApp }>): () => void {
    return this.on('OnBootstrap', handler);
  }

  onTerminate(handler: Handler<{ app: TenantApp }>): () => void {
    return this.on('OnTerminate', handler);
  }

  onRecordCreateRequest(...args: HookArgs<RecordRequestEvent>): () => void {
    return this.on('OnRecordCreateRequest', forCollections(args));
  }

  onRecordUpdateRequest(...args: HookArgs<RecordRequestEvent>): () => void {
    return this.on('OnRecordUpdateRequest', forCollections(args));
  }

  onRecordDeleteRequest(...args: HookArgs<RecordRequestEvent>): () => void {
    return this.on('OnRecordDeleteRequest', forCollections(args));
  }

  onRecordsListRequest(...args: HookArgs<RecordsRequestEvent>): () => void {
    return this.on('OnRecordsListRequest', forCollections(args));
  }

  onRecordViewRequest(...args: HookArgs<RecordsRequestEvent>): () => void {
    return this.on('OnRecordViewRequest', forCollections(args));
  }

  onRecordCreate(...args: HookArgs<RecordEvent>): () => void {
    return this.on('OnRecordCreate', forCollections(args));
  }

  onRecordUpdate(...args: HookArgs<RecordEvent>): () => void {
    return this.on('OnRecordUpdate', forCollections(args));
  }

  onRecordDelete(...args: HookArgs<RecordEvent>): () => void {
    return this.on('OnRecordDelete', forCollections(args));
  }

  onRecordValidate(...args: HookArgs<RecordEvent>): () => void {
    return this.on('OnRecordValidate', forCollections(args));
  }

  /** After the transaction that created the record committed. */
  onRecordAfterCreateSuccess(...args: HookArgs<RecordEvent>): () => void {
    return this.on('OnRecordAfterCreateSuccess', forCollections(args));
  }

  onRecordAfterUpdateSuccess(...args: HookArgs<RecordEvent>): () => void {
    return this.on('OnRecordAfterUpdateSuccess', forCollections(args));
  }

  onRecordAfterDeleteSuccess(...args: HookArgs<RecordEvent>): () => void {
    return this.on('OnRecordAfterDeleteSuccess', forCollections(args));
  }

  /** Applies pending migrations, runs OnBootstrap and OnServe, listens on `http` (default 127.0.0.1:8090). */
  async start(opts: { http?: string; platformKey?: string } = {}): Promise<RunningApp> {
    const { host, port } = parseHttpAddress(opts.http ?? '127.0.0.1:8090');
    const { server } = await startServing(this.app, { host, port, platformKey: opts.platformKey });
    const address = server.server.address();
    const bound = address !== null && typeof address === 'object' ? address.port : port;
    const app = this.app;
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
      server,
      async stop() {
        await server.close();
        app.hooks.trigger('OnTerminate', { app });
        app.close();
      },
    };
  }
}

/** Opens (and on first use creates) the app's data directory. */
export function createApp(opts: TenantAppOptions): BurrowApp {
  return new BurrowApp(opts);
}

/**
 * A record hook's arguments: the handler then collection names (PocketBase's JS order), or one
 * collection name then the handler; no name: every collection.
 */
export type HookArgs<E> = [handler: Handler<E>, ...collections: string[]] | [collection: string, handler: Handler<E>];

/** Runs the handler only for events of the named collections (all when none is named). */
function forCollections<E>(args: HookArgs<E>): Handler<E> {
  const [first, ...rest] = args;
  const handler = (typeof first === 'function' ? first : rest[0]) as Handler<E>;
  const names = (typeof first === 'function' ? rest : [first]) as string[];
  if (typeof handler !== 'function') throw new Error('a record hook needs a handler function');
  if (names.length === 0) return handler;
  return (e) => {
    const ev = e as unknown as { collection?: Collection; record?: RecordModel };
    const c = ev.collection ?? ev.record?.collection;
    if (c && (names.includes(c.name) || names.includes(c.id))) return handler(e); // its promise, if any, is checked by the trigger
    else e.next();
  };
}
