/**
 * A tenant on LiteFS (DESIGN.md §6). On a replica: the caches follow the primary's changes,
 * writes (and what only the primary serves) are answered 409 with `fly-replay:
 * instance=<primary>`, and a read from a client whose last write (its `txnum` cookie) this
 * node has not applied yet waits briefly, then is replayed on the primary. On the primary:
 * each successful write's response carries the transaction number (a cookie of 60 s and a
 * header), so the client's next read can be served consistently anywhere.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getTxSetCookieHeader } from 'litefs-js';
import { needsPrimary, REPLAY_HEADER, TXNUM_HEADER, txnumFromCookie } from '@burrow/contracts';
import type { TenantApp } from '../core/app.js';
import { skipLog } from './request_log.js';

/** How long the txnum cookie lives (s). */
const TXNUM_COOKIE_MAX_AGE_S = 60;

/** How long a replica waits for a client's last write before replaying the read on the primary (ms). */
const CATCH_UP_MS = 500;

function pathOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q < 0 ? request.url : request.url.slice(0, q);
}

function replay(reply: FastifyReply, primary: string, why: string): FastifyReply {
  return reply
    .code(409)
    .header(REPLAY_HEADER, `instance=${primary}`)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify({ status: 409, message: why, data: {} }));
}

/** Binds the replication rules when the app's database is on a LiteFS mount (no-op otherwise). */
export function bindReplication(app: TenantApp, server: FastifyInstance): void {
  const litefs = app.litefs;
  if (!litefs) return;
  if (!litefs.isPrimary) {
    server.addHook('onRequest', async (request, reply) => {
      if (request.method === 'OPTIONS') return;
      app.syncReplicaCaches();
      if (needsPrimary(request.method, pathOf(request))) {
        skipLog(request);
        return replay(reply, litefs.primaryInstance, 'This node is a read replica: the request is served by the primary.');
      }
      // Already seen here (the common case: an old cookie): no wait, no extra FUSE read.
      const cookie = txnumFromCookie(request.headers.cookie);
      const wanted = cookie !== undefined && cookie > app.replicaSeenTx ? cookie : undefined;
      if (wanted !== undefined && !(await litefs.waitForTx(wanted, CATCH_UP_MS))) {
        skipLog(request);
        return replay(reply, litefs.primaryInstance, 'This replica has not caught up with your last write yet: the request is served by the primary.');
      }
      if (wanted !== undefined) app.syncReplicaCaches(true); // what the client wrote may be a rule or a collection
    });
    return;
  }
  server.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS' || reply.statusCode >= 400) return payload;
    const tx = await litefs.txNumber();
    const secure = String(request.headers['x-forwarded-proto'] ?? request.protocol) === 'https';
    const existing = reply.getHeader('set-cookie');
    const cookies = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
    // Short-lived: replicas are seconds behind at most, and an old cookie only costs a comparison.
    reply.header('set-cookie', [...cookies, getTxSetCookieHeader(tx, { secure, maxAge: TXNUM_COOKIE_MAX_AGE_S })]);
    reply.header(TXNUM_HEADER, String(tx));
    return payload;
  });
}
