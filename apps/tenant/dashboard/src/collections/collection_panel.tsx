/**
 * Create or edit a collection: name and type, its fields (field_row.tsx), the API rules
 * (rule_input.tsx, checked by the server on save), its indexes, and a view's SQL query. The
 * server's errors show where they belong (`fields.2.name` under that field). Delete behind a
 * confirmation naming it.
 */
import { useMemo, useState, type FormEvent } from 'react';
import type { CollectionModel } from 'pocketbase';
import { Field, FormError } from '../components/field';
import { Panel } from '../components/panel';
import { useAction } from '../hooks';
import { pb } from '../pb';
import { FieldRow } from './field_row';
import { FIELD_TYPES, newField, type FieldDraft } from './field_types';
import { RuleInput } from './rule_input';

const RULES = [
  ['listRule', 'List and search'],
  ['viewRule', 'View'],
  ['createRule', 'Create'],
  ['updateRule', 'Update'],
  ['deleteRule', 'Delete'],
] as const;
const AUTH_RULES = [
  ['authRule', 'Authenticate (after the credentials check)'],
  ['manageRule', 'Manage other users (change email, password...)'],
] as const;

type RuleKey = (typeof RULES)[number][0] | (typeof AUTH_RULES)[number][0];
type Tab = 'fields' | 'rules' | 'indexes' | 'query';

interface Draft {
  name: string;
  type: 'base' | 'auth' | 'view';
  fields: FieldDraft[];
  rules: Record<RuleKey, string | null>;
  indexes: string[];
  viewQuery: string;
}

function draftOf(c?: CollectionModel): Draft {
  const rule = (k: RuleKey) => (c ? ((c as unknown as Record<string, string | null>)[k] ?? null) : null);
  return {
    name: c?.name ?? '',
    type: (c?.type as Draft['type']) ?? 'base',
    // A new base collection starts as PocketBase's dashboard starts one: created/updated stamps.
    fields: c ? (c.fields as FieldDraft[]) : [newField('autodate', 'created'), { ...newField('autodate', 'updated'), onUpdate: true }],
    rules: { listRule: rule('listRule'), viewRule: rule('viewRule'), createRule: rule('createRule'), updateRule: rule('updateRule'), deleteRule: rule('deleteRule'), authRule: c ? rule('authRule') : '', manageRule: rule('manageRule') },
    indexes: c ? [...((c as unknown as { indexes?: string[] }).indexes ?? [])] : [],
    viewQuery: (c as unknown as { viewQuery?: string } | undefined)?.viewQuery ?? '',
  };
}

/** Names the rule editor completes: own fields, the request, other collections' fields. */
function ruleNames(draft: Draft, collections: CollectionModel[]): string[] {
  const own = draft.fields.map((f) => f.name).filter(Boolean);
  const users = collections.find((c) => c.name === 'users');
  const authFields = ['id', 'collectionId', 'collectionName', ...(users?.fields.map((f) => f.name) ?? ['email', 'verified'])];
  return [...new Set([
    ...own,
    ...own.map((f) => `@request.body.${f}`),
    ...authFields.map((f) => `@request.auth.${f}`),
    '@request.method', '@request.context', '@request.query.', '@request.headers.',
    '@now', '@yesterday', '@tomorrow', '@todayStart', '@todayEnd', '@monthStart', '@monthEnd', '@yearStart', '@yearEnd',
    ...collections.flatMap((c) => [`@collection.${c.name}.`, ...c.fields.map((f) => `@collection.${c.name}.${f.name}`)]),
  ])];
}

/** The panel; `collection` undefined creates a new one. */
export function CollectionPanel({ collection, collections, onClose, onSaved }: { collection?: CollectionModel; collections: CollectionModel[]; onClose(): void; onSaved(saved?: CollectionModel): void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(collection));
  const [tab, setTab] = useState<Tab>('fields');
  const [newType, setNewType] = useState<string>('text');
  const known = useMemo(() => new Set((collection?.fields ?? []).map((f) => f.id as string)), [collection]);
  const { busy, failure, run } = useAction();
  const errors = failure?.fields ?? {};
  const isView = draft.type === 'view';
  const tabs: Tab[] = isView ? ['query', 'rules'] : ['fields', 'rules', 'indexes'];
  const current = tabs.includes(tab) ? tab : tabs[0]!;
  const names = useMemo(() => ruleNames(draft, collections), [draft, collections]);
  const tabError = (t: Tab) => Object.keys(errors).some((k) => (t === 'fields' ? k.startsWith('fields') : t === 'rules' ? /Rule$/.test(k) : t === 'indexes' ? k.startsWith('indexes') : k === 'viewQuery'));

  const save = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const body: Record<string, unknown> = { name: draft.name.trim(), type: draft.type, ...draft.rules };
      if (draft.type !== 'auth') {
        delete body.authRule;
        delete body.manageRule;
      }
      if (isView) body.viewQuery = draft.viewQuery;
      else {
        body.fields = draft.fields;
        body.indexes = draft.indexes.map((i) => i.trim()).filter(Boolean);
      }
      const saved = collection ? await pb.collections.update(collection.id, body) : await pb.collections.create(body);
      onSaved(saved);
    });
  };

  const remove = () => {
    if (!collection || window.prompt(`Type ${collection.name} to delete this collection and all its records.`) !== collection.name) return;
    void run(async () => {
      await pb.collections.delete(collection.id);
      onSaved(undefined);
    });
  };

  const setField = (i: number, f: FieldDraft) => setDraft((d) => ({ ...d, fields: d.fields.map((x, j) => (j === i ? f : x)) }));
  return (
    <Panel title={collection ? `Edit ${collection.name}` : 'New collection'} wide onClose={onClose}>
        <form onSubmit={save} noValidate>
          <div className="row">
            <Field label="Name" value={draft.name} onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))} error={errors.name} spellCheck={false} autoFocus={!collection} />
            <div className="field">
              <label htmlFor="collection-type">Type</label>
              <select id="collection-type" value={draft.type} disabled={Boolean(collection)} onChange={(e) => setDraft((d) => ({ ...d, type: e.target.value as Draft['type'] }))}>
                <option value="base">base</option>
                <option value="auth">auth</option>
                <option value="view">view</option>
              </select>
            </div>
          </div>
          <div className="tabs" role="tablist">
            {tabs.map((t) => (
              <button key={t} type="button" role="tab" aria-selected={current === t} className={`${current === t ? 'active' : ''}${tabError(t) ? ' has-error' : ''}`} onClick={() => setTab(t)}>
                {t === 'fields' ? 'Fields' : t === 'rules' ? 'API rules' : t === 'indexes' ? 'Indexes' : 'Query'}
              </button>
            ))}
          </div>
          {current === 'fields' && (
            <>
              <ul className="field-rows">
                {draft.fields.map((f, i) => (
                  <FieldRow key={(f.id as string | undefined) ?? `new-${i}`} field={f} index={i} isNew={!known.has(f.id as string)} collections={collections} errors={errors}
                    onChange={(next) => setField(i, next)} onRemove={() => setDraft((d) => ({ ...d, fields: d.fields.filter((_, j) => j !== i) }))} />
                ))}
              </ul>
              <div className="actions">
                <select aria-label="New field type" value={newType} onChange={(e) => setNewType(e.target.value)}>
                  {FIELD_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
                </select>
                <button type="button" className="button-small" onClick={() => setDraft((d) => ({ ...d, fields: [...d.fields, newField(newType, '')] }))}>Add field</button>
              </div>
            </>
          )}
          {current === 'query' && (
            <div className={`field${errors.viewQuery ? ' field-invalid' : ''}`}>
              <label htmlFor="view-query">SELECT query</label>
              <textarea id="view-query" className="mono" rows={8} spellCheck={false} value={draft.viewQuery}
                placeholder="SELECT id, title, created FROM posts WHERE published = true" onChange={(e) => setDraft((d) => ({ ...d, viewQuery: e.target.value }))} />
              {errors.viewQuery && <p className="field-error" role="alert">{errors.viewQuery}</p>}
              <p className="field-hint">Saving runs the query: its columns become the view's fields, and its records show in the table.</p>
            </div>
          )}
          {current === 'rules' && (
            <div className="rules">
              {[...RULES, ...(draft.type === 'auth' ? AUTH_RULES : [])].filter(([k]) => !(isView && (k === 'createRule' || k === 'updateRule' || k === 'deleteRule'))).map(([key, label]) => (
                <RuleInput key={key} label={label} value={draft.rules[key]} names={names} error={errors[key]}
                  onChange={(v) => setDraft((d) => ({ ...d, rules: { ...d.rules, [key]: v } }))} />
              ))}
            </div>
          )}
          {current === 'indexes' && (
            <div>
              {draft.indexes.map((ix, i) => (
                <div key={i} className="index-row">
                  <input aria-label={`Index ${i + 1}`} className={`mono${errors[`indexes.${i}`] ? ' invalid' : ''}`} value={ix} spellCheck={false}
                    onChange={(e) => setDraft((d) => ({ ...d, indexes: d.indexes.map((x, j) => (j === i ? e.target.value : x)) }))} />
                  <button type="button" className="button-small button-danger" aria-label={`Remove index ${i + 1}`} onClick={() => setDraft((d) => ({ ...d, indexes: d.indexes.filter((_, j) => j !== i) }))}>Remove</button>
                  {errors[`indexes.${i}`] && <p className="field-error" role="alert">{errors[`indexes.${i}`]}</p>}
                </div>
              ))}
              <button type="button" className="button-small" onClick={() => setDraft((d) => ({ ...d, indexes: [...d.indexes, `CREATE INDEX \`idx_${d.name || 'name'}_\` ON \`${d.name || 'name'}\` (\`\`)`] }))}>Add index</button>
            </div>
          )}
          <FormError message={failure ? (Object.keys(errors).length ? 'Fix the marked fields (see the tabs marked in red).' : failure.message) : undefined} />
          <div className="actions">
            <button type="submit" className="button-primary" disabled={busy}>{collection ? 'Save changes' : 'Create'}</button>
            {collection && !collection.system && <button type="button" className="button-small button-danger" disabled={busy} onClick={remove}>Delete collection</button>}
          </div>
        </form>
    </Panel>
  );
}
