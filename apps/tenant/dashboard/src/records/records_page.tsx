/**
 * The records of one collection: a table with paging, sorting by a column, the filter language
 * in a search box (the server's error shown under it), selection with bulk delete, and live
 * updates through realtime. A row opens the record in the side panel; "New record" an empty one.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { CollectionModel, RecordModel } from 'pocketbase';
import { FormError } from '../components/field';
import { failureOf, pb } from '../pb';
import { cellText, visibleFields } from './columns';
import { RecordPanel } from './record_panel';

const PER_PAGE = 40;

/** The columns hidden in a collection's table, remembered in this browser. */
function useHiddenColumns(collectionId: string): [string[], (names: string[]) => void] {
  const key = `burrow_dashboard_columns_${collectionId}`;
  const [hidden, setState] = useState<string[]>(() => {
    try {
      const v: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  });
  const set = (names: string[]) => {
    setState(names);
    localStorage.setItem(key, JSON.stringify(names));
  };
  return [hidden, set];
}

/** The records page. */
export function RecordsPage({ collection, onEdit }: { collection: CollectionModel; onEdit(): void }) {
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState('');
  const [filter, setFilter] = useState('');
  const [applied, setApplied] = useState('');
  const [result, setResult] = useState<{ items: RecordModel[]; totalItems: number; totalPages: number }>();
  const [filterError, setFilterError] = useState<string>();
  const [loadError, setLoadError] = useState<string>();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState<RecordModel | 'new'>();
  const [busy, setBusy] = useState(false);
  const allColumns = useMemo(() => visibleFields(collection.fields), [collection.fields]);
  const [hidden, setHidden] = useHiddenColumns(collection.id);
  const [picking, setPicking] = useState(false);
  const columns = useMemo(() => allColumns.filter((f) => !hidden.includes(f.name)), [allColumns, hidden]);

  // Answers can arrive out of order (no request is cancelled): only the newest one counts.
  const sequence = useRef(0);
  const load = useCallback(async () => {
    const mine = ++sequence.current;
    try {
      const list = await pb.collection(collection.name).getList(page, PER_PAGE, { sort: sort || undefined, filter: applied || undefined });
      if (mine !== sequence.current) return;
      setResult({ items: list.items, totalItems: list.totalItems, totalPages: list.totalPages });
      setFilterError(undefined);
      setLoadError(undefined);
    } catch (err) {
      if (mine !== sequence.current) return;
      const f = failureOf(err);
      if (applied && f.fields.filter === undefined && /filter|invalid/i.test(f.message)) setFilterError(f.message);
      else if (applied) setFilterError(f.message);
      else setLoadError(f.message);
    }
  }, [collection.name, page, sort, applied]);

  useEffect(() => {
    void load();
  }, [load]);

  // Live: any change in the collection reloads the page shown now (coalesced, 150 ms).
  const latestLoad = useRef(load);
  latestLoad.current = load;
  useEffect(() => {
    if (collection.type === 'view') return undefined;
    let unsubscribe: (() => Promise<void>) | undefined;
    let closed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    void pb.collection(collection.name).subscribe('*', () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void latestLoad.current();
      }, 150);
    }).then((u) => {
      if (closed) void u().catch(() => undefined);
      else unsubscribe = u;
    }).catch(() => undefined);
    return () => {
      closed = true;
      clearTimeout(timer);
      void unsubscribe?.().catch(() => undefined);
    };
  }, [collection.name, collection.type]);

  const submitFilter = (event: FormEvent) => {
    event.preventDefault();
    setPage(1);
    setApplied(filter.trim());
  };

  const toggleSort = (name: string) => setSort((s) => (s === name ? `-${name}` : s === `-${name}` ? '' : name));
  const sortMark = (name: string) => (sort === name ? ' ▲' : sort === `-${name}` ? ' ▼' : '');
  const toggle = (id: string) => setSelected((s) => {
    const next = new Set(s);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  const allOnPage = result ? result.items.length > 0 && result.items.every((r) => selected.has(r.id)) : false;

  const deleteSelected = async () => {
    if (!window.confirm(`Delete ${selected.size} record(s) of ${collection.name}? This cannot be undone.`)) return;
    setBusy(true);
    try {
      // One request per record, four at a time (the batch API is off by default, as PocketBase's).
      const ids = [...selected];
      for (let i = 0; i < ids.length; i += 4) await Promise.all(ids.slice(i, i + 4).map((id) => pb.collection(collection.name).delete(id)));
      setSelected(new Set());
      await load();
    } catch (err) {
      setLoadError(failureOf(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="records-title">
      <header className="page-head">
        <h1 id="records-title">{collection.name}</h1>
        <span className="muted">{result ? `${result.totalItems} record${result.totalItems === 1 ? '' : 's'}` : ''}</span>
        <button type="button" className="button-small" onClick={onEdit}>Edit collection</button>
        <button type="button" className="button-small" aria-expanded={picking} onClick={() => setPicking((p) => !p)}>Columns</button>
        {collection.type !== 'view' && <button type="button" className="button-primary" onClick={() => setEditing('new')}>New record</button>}
      </header>
      {picking && (
        <fieldset className="column-picker">
          <legend>Columns shown</legend>
          {allColumns.map((f) => (
            <label key={f.name} className="flag">
              <input type="checkbox" checked={!hidden.includes(f.name)}
                onChange={(e) => setHidden(e.target.checked ? hidden.filter((n) => n !== f.name) : [...hidden, f.name])} /> {f.name}
            </label>
          ))}
        </fieldset>
      )}
      <form className="filter" onSubmit={submitFilter} role="search">
        <label htmlFor="records-filter" className="visually-hidden">Filter</label>
        <input id="records-filter" type="search" placeholder={'Filter, e.g. title ~ "hello" && created > "2026-01-01"'} value={filter}
          onChange={(e) => setFilter(e.target.value)} aria-invalid={filterError ? true : undefined} aria-describedby={filterError ? 'filter-error' : undefined} spellCheck={false} />
        <button type="submit" className="button-small">Apply</button>
      </form>
      {filterError && <p id="filter-error" className="field-error" role="alert">{filterError}</p>}
      <FormError message={loadError} />
      {selected.size > 0 && (
        <div className="bulk" role="region" aria-label="Selection">
          <span>{selected.size} selected</span>
          <button type="button" className="button-small" onClick={() => setSelected(new Set())}>Clear</button>
          <button type="button" className="button-small button-danger" disabled={busy} onClick={() => void deleteSelected()}>Delete selected</button>
        </div>
      )}
      <div className="table-wrap">
        <table className="table" aria-label={`Records of ${collection.name}`}>
          <thead>
            <tr>
              <th scope="col" className="check">
                <input type="checkbox" aria-label="Select all on this page" checked={allOnPage}
                  onChange={() => setSelected((s) => {
                    const next = new Set(s);
                    for (const r of result?.items ?? []) if (allOnPage) next.delete(r.id); else next.add(r.id);
                    return next;
                  })} />
              </th>
              {columns.map((f) => (
                <th key={f.name} scope="col" aria-sort={sort === f.name ? 'ascending' : sort === `-${f.name}` ? 'descending' : undefined}>
                  <button type="button" className="th-button" onClick={() => toggleSort(f.name)}>{f.name}{sortMark(f.name)}</button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result?.items.map((r) => (
              <tr key={r.id} data-record={r.id} onClick={() => setEditing(r)} className="clickable">
                <td className="check" onClick={(e) => e.stopPropagation()}>
                  <input type="checkbox" aria-label={`Select ${r.id}`} checked={selected.has(r.id)} onChange={() => toggle(r.id)} />
                </td>
                {columns.map((f) => <td key={f.name} title={cellText(f, r)}>{cellText(f, r)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {result && result.items.length === 0 && <p className="muted">{applied ? 'No record matches the filter.' : 'No records yet.'}</p>}
      {result && result.totalPages > 1 && (
        <nav className="pager" aria-label="Pages">
          <button type="button" className="button-small" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>Previous</button>
          <span>Page {page} of {result.totalPages}</span>
          <button type="button" className="button-small" disabled={page >= result.totalPages} onClick={() => setPage((p) => p + 1)}>Next</button>
        </nav>
      )}
      {editing && (
        <RecordPanel collection={collection} record={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)} onSaved={() => { setEditing(undefined); void load(); }} />
      )}
    </section>
  );
}
