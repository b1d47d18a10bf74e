/**
 * The instance's logs (PocketBase's `/api/logs`): requests per hour over the filtered span as a
 * bar chart, the list with the filter language, and one entry's details.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { LogModel } from 'pocketbase';
import { Panel } from '../components/panel';
import { failureOf, pb } from '../pb';

/** slog's levels, as PocketBase stores them (-4 debug, 0 info, 4 warn, 8 error). */
function levelName(level: number): string {
  return level >= 8 ? 'ERROR' : level >= 4 ? 'WARN' : level >= 0 ? 'INFO' : 'DEBUG';
}

interface Stat {
  total: number;
  date: string;
}

function Chart({ stats }: { stats: Stat[] }) {
  if (stats.length === 0) return <p className="muted">No requests in this span.</p>;
  const max = Math.max(...stats.map((s) => s.total), 1);
  const w = 720;
  const h = 120;
  const bar = w / stats.length;
  return (
    <svg className="chart" viewBox={`0 0 ${w} ${h + 18}`} role="img" aria-label={`Requests over time: ${stats.reduce((a, s) => a + s.total, 0)} in ${stats.length} hours`}>
      {stats.map((s, i) => {
        const bh = Math.max(1, (s.total / max) * h);
        return (
          <rect key={s.date} x={i * bar + 1} y={h - bh} width={Math.max(1, bar - 2)} height={bh} className="bar">
            <title>{`${s.date}: ${s.total}`}</title>
          </rect>
        );
      })}
      <text x="0" y={h + 14} className="axis">{stats[0]?.date.slice(0, 16)}</text>
      <text x={w} y={h + 14} className="axis" textAnchor="end">{stats.at(-1)?.date.slice(0, 16)}</text>
    </svg>
  );
}

/** The logs page. */
export function LogsPage() {
  const [filter, setFilter] = useState('');
  const [applied, setApplied] = useState('');
  const [items, setItems] = useState<LogModel[]>();
  const [stats, setStats] = useState<Stat[]>([]);
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState<LogModel>();

  const load = useCallback(async () => {
    try {
      const [list, s] = await Promise.all([
        pb.logs.getList(1, 100, { sort: '-created', filter: applied || undefined }),
        pb.logs.getStats({ filter: applied || undefined }),
      ]);
      setItems(list.items);
      setStats(s as Stat[]);
      setError(undefined);
    } catch (err) {
      setError(failureOf(err).message);
    }
  }, [applied]);
  useEffect(() => {
    void load();
  }, [load]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied(filter.trim());
  };

  return (
    <section aria-labelledby="logs-title" className="stack">
      <header className="page-head">
        <h1 id="logs-title">Logs</h1>
        <button type="button" className="button-small" onClick={() => void load()}>Refresh</button>
      </header>
      <form className="filter" onSubmit={submit} role="search">
        <label htmlFor="logs-filter" className="visually-hidden">Filter logs</label>
        <input id="logs-filter" type="search" placeholder='Filter, e.g. data.status >= 400 && data.method = "POST"' value={filter} spellCheck={false}
          onChange={(e) => setFilter(e.target.value)} aria-invalid={error ? true : undefined} />
        <button type="submit" className="button-small">Apply</button>
      </form>
      {error && <p className="field-error" role="alert">{error}</p>}
      <div className="card"><Chart stats={stats} /></div>
      <div className="table-wrap">
        <table className="table" aria-label="Log entries">
          <thead><tr><th scope="col">Level</th><th scope="col">Message</th><th scope="col">Status</th><th scope="col">Time</th></tr></thead>
          <tbody>
            {items?.map((l) => (
              <tr key={l.id} className="clickable" onClick={() => setOpen(l)} data-log={l.id}>
                <td>{levelName(Number(l.level))}</td>
                <td>{l.message}</td>
                <td>{String((l.data as { status?: number }).status ?? '')}</td>
                <td>{new Date(l.created.replace(' ', 'T')).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {items && items.length === 0 && <p className="muted">No log entries{applied ? ' match the filter' : ''}.</p>}
      {open && (
        <Panel title={open.message} onClose={() => setOpen(undefined)}>
          <p className="muted">{open.created} · level {open.level} · <code>{open.id}</code></p>
          <pre className="mono log-data">{JSON.stringify(open.data, null, 2)}</pre>
        </Panel>
      )}
    </section>
  );
}
