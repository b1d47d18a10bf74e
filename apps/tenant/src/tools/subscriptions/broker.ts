/**
 * Realtime clients and their subscriptions, independent of HTTP and of records: a client is a
 * server-sent-events stream with an id, an optional auth record and a set of topics (each with
 * the options it was subscribed with). The realtime API creates clients and fills them; record
 * changes are turned into messages elsewhere and sent through `Client.send`.
 */
import { randomBytes } from 'node:crypto';

/** What a subscription asked for in `?options=`: query params and headers for rules and output. */
export interface SubscriptionOptions {
  query: Record<string, string>;
  headers: Record<string, string>;
}

/** One message: the SSE event name and its JSON data. */
export interface Message {
  name: string;
  data: string;
}

/** Where a client's messages go (the SSE response). */
export interface ClientSink {
  /** Writes one event; false when the client is too far behind and must be dropped. */
  write(chunk: string): boolean;
  /** Ends the stream. */
  end(): void;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Client ids are 40 characters of [A-Za-z0-9], as PocketBase's. */
export const CLIENT_ID_LENGTH = 40;

/** A random client id (rejection sampling keeps the alphabet uniform). */
export function newClientId(): string {
  let id = '';
  while (id.length < CLIENT_ID_LENGTH) {
    for (const byte of randomBytes(CLIENT_ID_LENGTH * 2)) {
      if (byte < 248 && id.length < CLIENT_ID_LENGTH) id += ID_ALPHABET[byte % 62];
    }
  }
  return id;
}

/** Parses a subscription topic: the part before `?options=` and its options. Throws on bad options JSON. */
export function parseTopic(topic: string): { base: string; options: SubscriptionOptions } {
  const q = topic.indexOf('?');
  const options: SubscriptionOptions = { query: {}, headers: {} };
  if (q < 0) return { base: topic, options };
  const params = new URLSearchParams(topic.slice(q + 1));
  const raw = params.get('options');
  if (raw) {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object') {
      const { query, headers } = parsed as { query?: unknown; headers?: unknown };
      options.query = stringMap(query);
      // Header names snake_cased as PocketBase does (`apiKey` and `Api-Key` are both `api_key`).
      options.headers = Object.fromEntries(Object.entries(stringMap(headers)).map(([k, v]) => [snakeCase(k), v]));
    }
  }
  return { base: topic.slice(0, q), options };
}

/** `apiKey`, `Api-Key`, `API_KEY` -> `api_key`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  }
  return out;
}

/** One connected client. `A` is the auth model type (kept opaque here). */
export class Client<A> {
  /** Subscriptions by their exact topic string (the event name of their messages). */
  readonly subscriptions = new Map<string, { base: string; options: SubscriptionOptions; optionsKey: string }>();
  /** The auth record of the last POST that set it. */
  auth: A | undefined;
  private closed = false;

  constructor(
    readonly id: string,
    private readonly sink: ClientSink,
    private readonly onActivity: () => void,
  ) {}

  /** Replaces every subscription (topics whose options do not parse are refused first). */
  replaceSubscriptions(topics: readonly string[]): void {
    const parsed = topics.map((topic) => [topic, parseTopic(topic)] as const);
    this.subscriptions.clear();
    for (const [topic, sub] of parsed) this.subscriptions.set(topic, { ...sub, optionsKey: JSON.stringify(sub.options) });
  }

  /** Sends one SSE event carrying the client id; drops a client that cannot keep up. */
  send(message: Message): void {
    if (this.closed) return;
    // `data:` lines cannot hold raw newlines; JSON has none, other payloads are split.
    const data = message.data.split('\n').map((line) => `data:${line}`).join('\n');
    if (!this.sink.write(`id:${this.id}\nevent:${message.name}\n${data}\n\n`)) {
      this.close();
      return;
    }
    this.onActivity();
  }

  /** Ends the stream (the SDK reconnects and subscribes again). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.end();
  }

  /** Whether close() ran or the stream ended. */
  get isClosed(): boolean {
    return this.closed;
  }
}

/** The clients of one tenant. */
export class Broker<A> {
  private readonly clients = new Map<string, Client<A>>();

  /** Registers a client. */
  add(client: Client<A>): void {
    this.clients.set(client.id, client);
  }

  /** Forgets a client (its stream ended). */
  remove(id: string): void {
    this.clients.delete(id);
  }

  /** The client with `id`, if connected. */
  get(id: string): Client<A> | undefined {
    return this.clients.get(id);
  }

  /** Every connected client. */
  all(): IterableIterator<Client<A>> {
    return this.clients.values();
  }

  /** How many clients are connected. */
  get size(): number {
    return this.clients.size;
  }

  /** Ends every stream (server shutdown). */
  closeAll(): void {
    for (const client of [...this.clients.values()]) client.close();
    this.clients.clear();
  }
}
