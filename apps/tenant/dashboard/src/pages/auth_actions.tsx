/**
 * The pages the instance's emails and OAuth2 link to (as PocketBase's dashboard does), open to
 * anyone holding the link: `#/auth/confirm-password-reset/<token>`,
 * `#/auth/confirm-verification/<token>`, `#/auth/confirm-email-change/<token>`, and the end of an
 * OAuth2 popup (`#/auth/oauth2-redirect-success|failure`). The token says which collection.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { getTokenPayload } from 'pocketbase';
import { Field, FormError } from '../components/field';
import { useAction } from '../hooks';
import { failureOf, pb } from '../pb';

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="center">
      <section className="card narrow" aria-labelledby="action-title">
        <h1 id="action-title">{title}</h1>
        {children}
      </section>
    </main>
  );
}

/** The collection a token belongs to (its `collectionId` claim), or '' for a malformed one. */
function collectionOf(token: string): string {
  const claims = getTokenPayload(token) as { collectionId?: unknown };
  return typeof claims.collectionId === 'string' ? claims.collectionId : '';
}

function ResetPassword({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const { busy, failure, run } = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await pb.collection(collectionOf(token)).confirmPasswordReset(token, password, confirm);
      setDone(true);
    });
  };
  if (done) return <Card title="Password changed"><p role="status">Your password was changed. You can sign in with it now.</p></Card>;
  return (
    <Card title="Choose a new password">
      <form onSubmit={submit} noValidate className="narrow">
        <Field label="New password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={failure?.fields.password} autoFocus />
        <Field label="New password again" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={failure?.fields.passwordConfirm} />
        <FormError message={failure && !failure.fields.password && !failure.fields.passwordConfirm ? (failure.fields.token ? 'This link is invalid or has expired.' : failure.message) : undefined} />
        <button type="submit" className="button-primary" disabled={busy}>Set the password</button>
      </form>
    </Card>
  );
}

function ConfirmEmailChange({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const { busy, failure, run } = useAction();
  const newEmail = String((getTokenPayload(token) as { newEmail?: unknown }).newEmail ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await pb.collection(collectionOf(token)).confirmEmailChange(token, password);
      setDone(true);
    });
  };
  if (done) return <Card title="Email changed"><p role="status">Your email address is now {newEmail || 'changed'}.</p></Card>;
  return (
    <Card title="Confirm your new email">
      <form onSubmit={submit} noValidate className="narrow">
        {newEmail && <p>Change your email address to <strong>{newEmail}</strong>.</p>}
        <Field label="Your password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={failure?.fields.password} autoFocus />
        <FormError message={failure && !failure.fields.password ? (failure.fields.token ? 'This link is invalid or has expired.' : failure.message) : undefined} />
        <button type="submit" className="button-primary" disabled={busy}>Confirm</button>
      </form>
    </Card>
  );
}

function ConfirmVerification({ token }: { token: string }) {
  const [state, setState] = useState<'working' | 'done' | string>('working');
  useEffect(() => {
    pb.collection(collectionOf(token)).confirmVerification(token)
      .then(() => setState('done'))
      .catch((err: unknown) => setState(failureOf(err).fields.token ? 'This link is invalid or has expired.' : failureOf(err).message));
  }, [token]);
  if (state === 'working') return <Card title="Verifying your email"><p role="status">One moment…</p></Card>;
  if (state === 'done') return <Card title="Email verified"><p role="status">Your email address is verified. You can close this page.</p></Card>;
  return <Card title="Verification failed"><p className="form-error" role="alert">{state}</p></Card>;
}

/** The page of an `#/auth/...` route, or undefined when the route is not one. */
export function authActionPage(route: string[]): ReactNode | undefined {
  if (route[0] !== 'auth') return undefined;
  const [, action, token = ''] = route;
  switch (action) {
    case 'confirm-password-reset':
      return <ResetPassword token={token} />;
    case 'confirm-email-change':
      return <ConfirmEmailChange token={token} />;
    case 'confirm-verification':
      return <ConfirmVerification token={token} />;
    case 'oauth2-redirect-success':
      return <Card title="Signed in"><p role="status">Auth completed. You can close this window and go back to the app.</p></Card>;
    case 'oauth2-redirect-failure':
      return <Card title="Sign-in failed"><p role="alert">Failed to authenticate. You can close this window and go back to the app to try again.</p></Card>;
    default:
      return undefined;
  }
}
