/**
 * Superuser login: email and password through `_superusers`' auth-with-password; when the
 * collection asks for MFA (a 401 carrying `mfaId`), a one-time code mailed to the superuser
 * completes it (request-otp, then auth-with-otp with the `mfaId`).
 */
import { useState, type FormEvent } from 'react';
import { ClientResponseError } from 'pocketbase';
import { Field, FormError } from '../components/field';
import { useAction } from '../hooks';
import { pb } from '../pb';

/** The login screen. */
export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [mfa, setMfa] = useState<{ mfaId: string; otpId: string }>();
  const [code, setCode] = useState('');
  const { busy, failure, run } = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      try {
        await pb.collection('_superusers').authWithPassword(email.trim(), password);
      } catch (err) {
        const mfaId = err instanceof ClientResponseError ? (err.response as { mfaId?: unknown }).mfaId : undefined;
        if (typeof mfaId !== 'string' || !mfaId) throw err;
        // The password was right; the second factor is a code sent by mail.
        const { otpId } = await pb.collection('_superusers').requestOTP(email.trim());
        setMfa({ mfaId, otpId });
      }
    });
  };

  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    if (!mfa) return;
    void run(async () => {
      await pb.collection('_superusers').authWithOTP(mfa.otpId, code.trim(), { mfaId: mfa.mfaId });
    });
  };

  if (mfa) {
    return (
      <main className="center">
        <form className="card narrow" onSubmit={submitCode} noValidate aria-labelledby="otp-title">
          <h1 id="otp-title">Enter the code</h1>
          <p className="muted">A one-time code was sent to {email}. It completes the login (multi-factor authentication).</p>
          <Field label="Code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} autoFocus error={failure?.fields.password ?? failure?.fields.otpId} />
          <FormError message={failure && !failure.fields.password && !failure.fields.otpId ? failure.message : undefined} />
          <div className="actions">
            <button type="submit" className="button-primary" disabled={busy}>Log in</button>
            <button type="button" className="button-small" onClick={() => { setMfa(undefined); setCode(''); }}>Back</button>
          </div>
        </form>
      </main>
    );
  }

  return (
    <main className="center">
      <form className="card narrow" onSubmit={submit} noValidate aria-labelledby="login-title">
        <h1 id="login-title">Superuser login</h1>
        <Field label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus required error={failure?.fields.identity} />
        <Field label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required error={failure?.fields.password} />
        <FormError message={failure && !failure.fields.identity && !failure.fields.password ? failure.message : undefined} />
        <button type="submit" className="button-primary" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
      </form>
    </main>
  );
}
