/**
 * Picks records of a relation's collection: a search box (over the id and the collection's
 * text fields, in the filter language) and the first matches; a click adds or removes one.
 */
import { useEffect, useRef, useState } from 'react';
import type { CollectionModel, RecordModel } from 'pocketbase';
import { failureOf, pb } from '../pb';

/** The fields a search looks in: the visible text-like ones. */
function textFieldsOf(c?: CollectionModel): string[] {
  return (c?.fields ?? []).filter((f) => ['text', 'email', 'url'].includes(f.type) && !f.hidden && f.name !== 'id').map((f) => f.name);
}

/** The picker, shown under a relation input. */
export function RelationPicker({ collectionId, selected, many, onChange, onClose }: { collectionId: string; selected: string[]; many: boolean; onChange(ids: string[]): void; onClose(): void }) {
  const [target, setTarget] = useState<CollectionModel>();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<RecordModel[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    void pb.collections.getOne(collectionId).then(setTarget).catch((err: unknown) => setError(failureOf(err).message));
  }, [collectionId]);

  const textFields = textFieldsOf(target);
  // What a person recognises a record by: its first two text values (e.g. an email and a name).
  const label = (r: RecordModel) => textFields.map((f) => r[f] as string).filter(Boolean).slice(0, 2).join(' · ') || r.id;

  const sequence = useRef(0);
  useEffect(() => {
    if (!target) return undefined;
    const timer = setTimeout(() => {
      const mine = ++sequence.current;
      const term = q.trim().replace(/["\\\\]/g, '');
      const filter = term ? ['id', ...textFieldsOf(target)].map((f) => `${f} ~ "${term}"`).join(' || ') : undefined;
      pb.collection(target.name).getList(1, 20, { filter, skipTotal: true })
        .then((r) => { if (mine === sequence.current) { setItems(r.items); setError(undefined); } })
        .catch((err: unknown) => { if (mine === sequence.current) setError(failureOf(err).message); });
    }, 200);
    return () => clearTimeout(timer);
  }, [target, q]);

  const toggle = (id: string) => {
    if (selected.includes(id)) onChange(selected.filter((x) => x !== id));
    else onChange(many ? [...selected, id] : [id]);
    if (!many) onClose();
  };

  return (
    <div className="picker" role="group" aria-label={`Pick ${target?.name ?? 'records'}`}>
      <input type="search" aria-label={`Search ${target?.name ?? 'records'}`} placeholder="Search" value={q} onChange={(e) => setQ(e.target.value)} autoFocus />
      {error && <p className="field-error" role="alert">{error}</p>}
      <ul>
        {items.map((r) => (
          <li key={r.id}>
            <label className="flag">
              <input type="checkbox" checked={selected.includes(r.id)} onChange={() => toggle(r.id)} /> {label(r)} <code className="muted">{r.id}</code>
            </label>
          </li>
        ))}
      </ul>
      <button type="button" className="button-small" onClick={onClose}>Done</button>
    </div>
  );
}
