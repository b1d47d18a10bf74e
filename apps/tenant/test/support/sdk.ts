/** Helpers for tests that drive a server through the official `pocketbase` SDK. */
import assert from 'node:assert/strict';
import PocketBase, { ClientResponseError } from 'pocketbase';

/** A new SDK client for `url` without auto-cancellation (tests send parallel requests). */
export function sdkClient(url: string): PocketBase {
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  return pb;
}

/** Awaits `p` and asserts it failed with an SDK error of `status`; returns the error. */
export async function rejectsWith(p: Promise<unknown>, status: number): Promise<ClientResponseError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ClientResponseError, `expected ClientResponseError, got ${String(err)}`);
    assert.equal(err.status, status, JSON.stringify(err.response));
    return err;
  }
  assert.fail(`expected a ${status} error`);
}

/** Creates users (as the superuser client `su`) and returns clients signed in as each, with their ids. */
export async function signedInUsers(su: PocketBase, emails: string[], password: string): Promise<Array<{ pb: PocketBase; id: string }>> {
  const out: Array<{ pb: PocketBase; id: string }> = [];
  for (const email of emails) {
    await su.collection('users').create({ email, password, passwordConfirm: password, name: email.split('@')[0] });
    const pb = sdkClient(su.baseURL);
    const { record } = await pb.collection('users').authWithPassword(email, password);
    out.push({ pb, id: record.id });
  }
  return out;
}
