/**
 * Record changes as realtime messages: for every client subscribed to `COL/*` or `COL/ID` (by
 * collection name or id), the record is checked against the list or view rule and the
 * subscription's `filter` with that client's auth and options, then serialised as that client
 * may see it (hidden fields, email visibility, `expand`, `fields`). Creates and updates are
 * built after the commit; deletes just before the row goes (it must still be there for the
 * rule check) and sent only if the transaction commits.
 */
import type { TenantApp } from '../core/app.js';
import type { Collection } from '../core/collection_model.js';
import { RecordModel } from '../core/record_model.js';
import { recordMatchesFilter } from '../core/record_query.js';
import { recordMatchesRule } from '../core/record_rules.js';
import { isSuperuserAuth, type RequestInfo } from '../core/request_info.js';
import type { Broker, Client, Message, SubscriptionOptions } from '../tools/subscriptions/broker.js';
import { applyFieldsParam } from './context.js';
import { presentRecords } from './record_actions.js';

/** A record change. */
export type RecordAction = 'create' | 'update' | 'delete';

/** One message for one client. */
export interface Delivery {
  client: Client<RecordModel>;
  message: Message;
}

/** The request info rules see for a subscription: the client's auth, the subscription's query and headers. */
function subscriptionInfo(client: Client<RecordModel>, options: SubscriptionOptions): RequestInfo {
  return { context: 'realtime', method: 'GET', headers: options.headers, query: options.query, body: {}, auth: client.auth };
}

/** Whether the subscriber may receive `record` through a topic checked against `rule`. */
function canReceive(app: TenantApp, collection: Collection, record: RecordModel, rule: string | null, info: RequestInfo): boolean {
  const superuser = isSuperuserAuth(info);
  if (!superuser) {
    if (rule === null) return false;
    if (rule !== '' && !recordMatchesRule(app, collection, record.id, rule, info)) return false;
  }
  const filter = info.query.filter;
  // The subscriber's own filter, restricted as a list request's (no hidden fields, no
  // @collection/@request, related collections' list rules): otherwise which messages arrive
  // would reveal values it may not read. A refused or broken filter matches nothing.
  return !filter || recordMatchesFilter(app, collection, record.id, filter, info);
}

/** The record as this subscriber may see it, as JSON text. */
function serialise(app: TenantApp, record: RecordModel, action: RecordAction, info: RequestInfo): string {
  // A copy per subscriber: presenting sets visibility and expand on the model.
  const copy = new RecordModel(record.collection, { ...record.data }, record.original && { ...record.original });
  try {
    presentRecords(app, [copy], info);
  } catch {
    // A bad `expand` in the options: the record goes without it, as PocketBase does.
    const plain = new RecordModel(record.collection, { ...record.data }, record.original && { ...record.original });
    presentRecords(app, [plain], { ...info, query: { ...info.query, expand: '' } });
    return finish(plain, action, info);
  }
  return finish(copy, action, info);
}

function finish(copy: RecordModel, action: RecordAction, info: RequestInfo): string {
  const json = copy.toJSON();
  let shaped: unknown = json;
  try {
    shaped = applyFieldsParam(json, info.query.fields, 200);
  } catch {
    // A bad `fields` sends the whole record, as PocketBase does.
  }
  return JSON.stringify({ action, record: shaped });
}

/** The messages `record`'s change produces, one per matching subscription of every client. */
export function recordDeliveries(app: TenantApp, broker: Broker<RecordModel>, action: RecordAction, record: RecordModel): Delivery[] {
  const collection = record.collection;
  // `COL` alone is PocketBase's older spelling of `COL/*`.
  const listTopics = new Set([`${collection.name}/*`, `${collection.id}/*`, collection.name, collection.id]);
  const viewTopics = new Set([`${collection.name}/${record.id}`, `${collection.id}/${record.id}`]);
  const out: Delivery[] = [];
  // Subscribers with the same auth, topic kind and options get the same answer: decided and
  // serialised once (10 000 guests on `COL/*` cost one rule check and one JSON encoding).
  const decided = new Map<string, string | null>();
  for (const client of broker.all()) {
    for (const [topic, sub] of client.subscriptions) {
      const isList = listTopics.has(sub.base);
      if (!isList && !viewTopics.has(sub.base)) continue;
      const key = `${isList ? 'l' : 'v'}|${client.auth ? `${client.auth.collection.id}/${client.auth.id}` : ''}|${sub.optionsKey}`;
      let data = decided.get(key);
      if (data === undefined) {
        const info = subscriptionInfo(client, sub.options);
        try {
          data = canReceive(app, collection, record, isList ? collection.listRule : collection.viewRule, info) ? serialise(app, record, action, info) : null;
        } catch {
          data = null; // this subscription's message is lost (e.g. a database error); the others still go
        }
        decided.set(key, data);
      }
      if (data !== null) out.push({ client, message: { name: topic, data } });
    }
  }
  return out;
}

/** Sends deliveries. */
export function deliver(deliveries: readonly Delivery[]): void {
  for (const d of deliveries) d.client.send(d.message);
}
