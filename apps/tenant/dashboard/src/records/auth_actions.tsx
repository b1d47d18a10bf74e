/**
 * What a superuser can do for a user of an auth collection, beside editing the record: send a
 * password reset or a verification mail, and impersonate (a non-refreshable token of that user,
 * to copy into an app or a request).
 */
import { useState } from 'react';
import type { CollectionModel, RecordModel } from 'pocketbase';
import { FormError } from '../components/field';
import { useAction } from '../hooks';
import { pb } from '../pb';

/** The actions row of an auth record. */
export function AuthRecordActions({ collection, record }: { collection: CollectionModel; record: RecordModel }) {
  const { busy, failure, run } = useAction();
  const [notice, setNotice] = useState<string>();
  const [token, setToken] = useState<string>();
  const email = String(record.email ?? '');
  const act = (fn: () => Promise<void>) => {
    setNotice(undefined);
    void run(fn);
  };
  return (
    <div className="auth-actions" role="group" aria-label="User actions">
      <div className="actions">
        <button type="button" className="button-small" disabled={busy || !email} onClick={() => act(async () => {
          await pb.collection(collection.name).requestPasswordReset(email);
          setNotice(`A password reset mail was sent to ${email}.`);
        })}>Send password reset</button>
        {record.verified !== true && (
          <button type="button" className="button-small" disabled={busy || !email} onClick={() => act(async () => {
            await pb.collection(collection.name).requestVerification(email);
            setNotice(`A verification mail was sent to ${email}.`);
          })}>Send verification</button>
        )}
        <button type="button" className="button-small" disabled={busy} onClick={() => act(async () => {
          // A throwaway client: impersonating must not replace the superuser's own session.
          const client = await pb.collection(collection.name).impersonate(record.id, 3600);
          setToken(client.authStore.token);
        })}>Impersonate (1 hour)</button>
      </div>
      {notice && <p role="status" className="muted">{notice}</p>}
      {token && (
        <div className="field">
          <label htmlFor="impersonate-token">Token of {email || record.id} (valid 1 hour)</label>
          <textarea id="impersonate-token" className="mono" rows={3} readOnly value={token} onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
      <FormError message={failure?.message} />
    </div>
  );
}
