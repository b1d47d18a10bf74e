/**
 * First run: the link `burrow-tenant serve` prints (`#/pbinstall/<token>`) carries the system
 * superuser's short-lived token; with it the first real superuser is created through the
 * records API, then signed in (the system one is deleted by the server). There is no way
 * without the token: trusting a loopback connection instead would let anyone in through a
 * reverse proxy on the same machine, or through a form posted from any site the owner visits.
 */
import { useState, type FormEvent } from 'react';
import { Field, FormError } from '../components/field';
import { useAction } from '../hooks';
import { pb } from '../pb';
import { go } from '../router';

/** The installer screen. */
export function InstallPage({ token }: { token: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, failure, run } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const body = { email: email.trim(), password, passwordConfirm: confirm };
      await pb.collection('_superusers').create(body, { headers: { Authorization: token } });
      await pb.collection('_superusers').authWithPassword(email.trim(), password);
      go('/');
    });
  };

  return (
    <main className="center">
      <form className="card narrow" onSubmit={submit} noValidate aria-labelledby="install-title">
        <h1 id="install-title">Create your first superuser</h1>
        <p className="muted">This instance has no superuser yet. The one you create here manages everything in it.</p>
        <Field label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus required error={failure?.fields.email} />
        <Field label="Password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required hint="At least 8 characters." error={failure?.fields.password} />
        <Field label="Password again" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} required error={failure?.fields.passwordConfirm} />
        <FormError message={failure && Object.keys(failure.fields).length === 0 ? (failure.message.includes('401') || /auth/i.test(failure.message) ? `${failure.message} The link may have expired: restart the server for a new one.` : failure.message) : undefined} />
        <button type="submit" className="button-primary" disabled={busy}>{busy ? 'Creating…' : 'Create and log in'}</button>
      </form>
    </main>
  );
}
