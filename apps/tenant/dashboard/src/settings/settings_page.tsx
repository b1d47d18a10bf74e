/**
 * Settings (PocketBase's `/api/settings`): the application (name, URL, sender), mail (SMTP, with
 * a test mail), batch requests, rate limits (their rules as JSON) and the trusted proxy. Each
 * card saves its own part; the server's field errors show under the fields.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Field, FormError } from '../components/field';
import { useAction } from '../hooks';
import { pb } from '../pb';

type Settings = Record<string, Record<string, unknown>>;

function Card({ title, children, onSave, busy, error, saved }: { title: string; children: ReactNode; onSave(e: FormEvent): void; busy: boolean; error?: string; saved: boolean }) {
  return (
    <form className="card settings-card" onSubmit={onSave} noValidate aria-label={title}>
      <h2>{title}</h2>
      {children}
      <FormError message={error} />
      <div className="actions">
        <button type="submit" className="button-primary" disabled={busy}>Save</button>
        {saved && <span role="status" className="muted">Saved.</span>}
      </div>
    </form>
  );
}

/** One settings section bound to `settings[key]`, saved on its own. */
function useSection(settings: Settings | undefined, key: string, reload: () => Promise<void>) {
  const [draft, setDraft] = useState<Record<string, unknown>>({});
  const [saved, setSaved] = useState(false);
  const action = useAction();
  // Re-read only when this section's saved values change: saving another card keeps this one's edits.
  const savedJson = JSON.stringify(settings?.[key] ?? null);
  useEffect(() => {
    if (savedJson !== 'null') setDraft({ ...(JSON.parse(savedJson) as Record<string, unknown>) });
  }, [savedJson]);
  const set = (field: string, value: unknown) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [field]: value }));
  };
  const save = (event: FormEvent, transform: (d: Record<string, unknown>) => Record<string, unknown> = (d) => d) => {
    event.preventDefault();
    setSaved(false);
    void action.run(async () => {
      await pb.settings.update({ [key]: transform(draft) });
      setSaved(true);
      await reload();
    });
  };
  const err = (field: string) => action.failure?.fields[`${key}.${field}`];
  const own = Object.entries(action.failure?.fields ?? {}).filter(([k]) => k.startsWith(`${key}.`));
  const formError = action.failure && own.length === 0 ? action.failure.message : undefined;
  /** Every field error of the section on one line (for values edited as a whole, such as JSON). */
  const allErrors = own.length ? own.map(([k, v]) => `${k.slice(key.length + 1)}: ${v}`).join('; ') : undefined;
  return { draft, set, save, err, saved, busy: action.busy, formError, allErrors };
}

const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** The settings page. */
export function SettingsPage() {
  const [settings, setSettings] = useState<Settings>();
  const reload = async () => setSettings((await pb.settings.getAll()) as Settings);
  useEffect(() => {
    void reload();
  }, []);
  const meta = useSection(settings, 'meta', reload);
  const smtp = useSection(settings, 'smtp', reload);
  const batch = useSection(settings, 'batch', reload);
  const limits = useSection(settings, 'rateLimits', reload);
  const proxy = useSection(settings, 'trustedProxy', reload);
  const [rulesText, setRulesText] = useState<string>();
  const [testTo, setTestTo] = useState('');
  const [testDone, setTestDone] = useState<string>();
  const test = useAction();
  const rulesValue = rulesText ?? JSON.stringify(limits.draft.rules ?? [], null, 2);
  const [rulesError, setRulesError] = useState<string>();

  const number = (section: ReturnType<typeof useSection>, field: string, label: string) => (
    <Field label={label} type="number" value={text(section.draft[field])} error={section.err(field)} onChange={(e) => section.set(field, e.target.value === '' ? 0 : Number(e.target.value))} />
  );
  const check = (section: ReturnType<typeof useSection>, field: string, label: string) => (
    <label className="flag"><input type="checkbox" checked={section.draft[field] === true} onChange={(e) => section.set(field, e.target.checked)} /> {label}</label>
  );

  return (
    <section aria-labelledby="settings-title" className="stack">
      <h1 id="settings-title">Settings</h1>
      <Card title="Application" onSave={(e) => meta.save(e)} busy={meta.busy} error={meta.formError} saved={meta.saved}>
        <Field label="Application name" value={text(meta.draft.appName)} error={meta.err('appName')} onChange={(e) => meta.set('appName', e.target.value)} />
        <Field label="Application URL" type="url" value={text(meta.draft.appURL)} error={meta.err('appURL')} onChange={(e) => meta.set('appURL', e.target.value)} hint="Mail links point here." />
        <Field label="Sender name" value={text(meta.draft.senderName)} error={meta.err('senderName')} onChange={(e) => meta.set('senderName', e.target.value)} />
        <Field label="Sender address" type="email" value={text(meta.draft.senderAddress)} error={meta.err('senderAddress')} onChange={(e) => meta.set('senderAddress', e.target.value)} />
      </Card>
      <Card title="Mail (SMTP)" onSave={(e) => smtp.save(e)} busy={smtp.busy} error={smtp.formError} saved={smtp.saved}>
        {check(smtp, 'enabled', 'Send mail through this SMTP server')}
        <Field label="Host" value={text(smtp.draft.host)} error={smtp.err('host')} onChange={(e) => smtp.set('host', e.target.value)} />
        {number(smtp, 'port', 'Port')}
        <Field label="Username" value={text(smtp.draft.username)} error={smtp.err('username')} autoComplete="off" onChange={(e) => smtp.set('username', e.target.value)} />
        <Field label="Password" type="password" value={text(smtp.draft.password)} error={smtp.err('password')} autoComplete="new-password" placeholder="unchanged when empty" onChange={(e) => smtp.set('password', e.target.value)} />
        {check(smtp, 'tls', 'TLS from the start (port 465)')}
        <div className="test-mail">
          <Field label="Send a test mail to" type="email" value={testTo} onChange={(e) => setTestTo(e.target.value)} />
          <button type="button" className="button-small" disabled={test.busy || !testTo}
            onClick={() => { setTestDone(undefined); void test.run(async () => { await pb.settings.testEmail('_superusers', testTo, 'verification'); setTestDone(`Sent to ${testTo}.`); }); }}>Send test mail</button>
          <FormError message={test.failure ? test.failure.message : undefined} />
          {testDone && <p role="status" className="muted">{testDone}</p>}
        </div>
      </Card>
      <Card title="Batch requests" onSave={(e) => batch.save(e)} busy={batch.busy} error={batch.formError} saved={batch.saved}>
        {check(batch, 'enabled', 'Allow /api/batch')}
        {number(batch, 'maxRequests', 'Max requests per batch')}
        {number(batch, 'timeout', 'Timeout (seconds)')}
        {number(batch, 'maxBodySize', 'Max body size (bytes, 0 = default)')}
      </Card>
      <Card title="Rate limits" busy={limits.busy} saved={limits.saved}
        error={limits.formError ?? limits.allErrors ?? rulesError}
        onSave={(e) => {
          let rules: unknown;
          try {
            rules = JSON.parse(rulesValue);
            setRulesError(undefined);
          } catch {
            e.preventDefault();
            setRulesError('The rules are not valid JSON.');
            return;
          }
          // The text stays as typed: after a refusal it is what the error is about.
          limits.save(e, (d) => ({ ...d, rules }));
        }}>
        {check(limits, 'enabled', 'Limit requests')}
        <div className="field">
          <label htmlFor="rate-rules">Rules (JSON: label, maxRequests, duration in seconds, audience)</label>
          <textarea id="rate-rules" className="mono" rows={6} spellCheck={false} value={rulesValue} onChange={(e) => setRulesText(e.target.value)} />
        </div>
      </Card>
      <Card title="Trusted proxy" onSave={(e) => proxy.save(e, (d) => ({ ...d, headers: typeof d.headers === 'string' ? d.headers.split(',').map((h) => h.trim()).filter(Boolean) : d.headers }))}
        busy={proxy.busy} error={proxy.formError} saved={proxy.saved}>
        <Field label="Client IP headers" hint="e.g. X-Forwarded-For, CF-Connecting-IP; empty: the connection's address" error={proxy.err('headers')}
          value={Array.isArray(proxy.draft.headers) ? (proxy.draft.headers as string[]).join(', ') : text(proxy.draft.headers)} onChange={(e) => proxy.set('headers', e.target.value)} />
        {check(proxy, 'useLeftmostIP', 'Use the leftmost address of the header')}
      </Card>
    </section>
  );
}
