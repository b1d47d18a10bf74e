/** What the end-to-end tests share to talk to a stack's control API. */

/** A control API answer; `any` body: tests read many response shapes, each assertion is the check. */
export interface ApiAnswer {
  status: number;
  body: any;
}

/** One control API call with a bearer token (JSON in, JSON out). */
export async function controlApi(apiUrl: string, token: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * Follows an instance's live logs (`GET /api/instances/:id/logs`, SSE) until `pattern` shows up
 * or `timeoutMs` passes; resolves with the status and everything read.
 */
export async function readLogsUntil(apiUrl: string, token: string, id: string, pattern: RegExp, timeoutMs = 20_000): Promise<{ status: number; text: string }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let text = '';
  try {
    const res = await fetch(`${apiUrl}/api/instances/${id}/logs`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        text += Buffer.from(chunk).toString('utf8');
        if (pattern.test(text)) break;
      }
    } catch (err) {
      if (!abort.signal.aborted) throw err;
    }
    return { status: res.status, text };
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/**
 * Deletes every instance of these accounts and waits until each is gone (bounded): tenants
 * outlive the stack by design, so a test that made them must remove them.
 */
export async function deleteInstancesOf(apiUrl: string, tokens: readonly string[], timeoutMs = 60_000): Promise<void> {
  for (const token of tokens) {
    const mine = await controlApi(apiUrl, token, 'GET', '/api/instances').catch(() => ({ status: 0, body: [] }));
    for (const i of (mine.body ?? []) as Array<{ id: string }>) {
      await controlApi(apiUrl, token, 'DELETE', `/api/instances/${i.id}`).catch(() => undefined);
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const r = await controlApi(apiUrl, token, 'GET', `/api/instances/${i.id}`).catch(() => undefined);
        if (r?.status === 404) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
}
