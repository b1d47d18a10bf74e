/** Live logs of the tenant: follows the stream, with pause (lines are kept meanwhile) and clear. */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { followLogs, type LogLine } from '../api/log_stream';
import { useSession } from '../session';
import type { TabProps } from './tabs';

/** Lines kept on screen; older ones drop off the top. */
const MAX_LINES = 2_000;

/** The logs tab. */
export function LogsTab({ instance }: TabProps) {
  const { api } = useSession();
  const [lines, setLines] = useState<Array<LogLine & { n: number }>>([]);
  const [held, setHeld] = useState<Array<LogLine & { n: number }>>([]);
  const [paused, setPaused] = useState(false);
  const [connected, setConnected] = useState<boolean>();
  const [failure, setFailure] = useState<string>();
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const abort = new AbortController();
    let n = 0;
    // Every (re)connection replays the log's tail: lines already shown are skipped.
    const seen = new Set<string>();
    const order: string[] = [];
    const keep = <T,>(list: T[], more: T[]) => (list.length + more.length > MAX_LINES ? [...list, ...more].slice(-MAX_LINES) : [...list, ...more]);
    void followLogs(
      instance.id,
      api.currentToken(),
      {
        line(line) {
          const key = `${line.time}\u0000${line.stream}\u0000${line.text}`;
          if (seen.has(key)) return;
          seen.add(key);
          order.push(key);
          if (order.length > MAX_LINES * 2) seen.delete(order.shift()!);
          const numbered = { ...line, n: n++ };
          if (pausedRef.current) setHeld((h) => keep(h, [numbered]));
          else setLines((l) => keep(l, [numbered]));
        },
        connected: setConnected,
        failed: (status) => setFailure(status === 404 ? 'This instance no longer exists.' : 'Your session has ended; log in again to follow the logs.'),
      },
      abort.signal,
    );
    return () => abort.abort();
  }, [api, instance.id]);

  // Follow the end while not paused (only if the reader has not scrolled up).
  useLayoutEffect(() => {
    const el = box.current;
    if (el && !paused) el.scrollTop = el.scrollHeight;
  }, [lines, paused]);

  const resume = () => {
    setLines((l) => [...l, ...held].slice(-MAX_LINES));
    setHeld([]);
    setPaused(false);
  };

  return (
    <section className="card">
      <div className="logs-head">
        <h2>Logs</h2>
        <span className={`stream-state ${connected ? 'on' : 'off'}`} role="status">
          {failure ? 'Stopped' : connected === undefined ? 'Connecting…' : connected ? (paused ? `Paused${held.length ? ` (${held.length} new)` : ''}` : 'Live') : 'Reconnecting…'}
        </span>
        <div className="logs-actions">
          <button type="button" className="button-small" onClick={paused ? resume : () => setPaused(true)} aria-pressed={paused}>
            {paused ? 'Resume' : 'Pause'}
          </button>
          <button
            type="button"
            className="button-small"
            onClick={() => {
              setLines([]);
              setHeld([]);
            }}
          >
            Clear
          </button>
        </div>
      </div>
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
      <div ref={box} className="log-box" role="log" aria-label={`Logs of ${instance.name}`} aria-live="off" tabIndex={0}>
        {lines.length === 0 ? (
          <p className="muted">No log lines yet. They appear here as the instance writes them.</p>
        ) : (
          lines.map((line) => (
            <div key={line.n} className={`log-line log-${line.stream}`} data-testid="log-line">
              <time dateTime={line.time}>{formatTime(line.time)}</time> <span>{line.text}</span>
            </div>
          ))
        )}
      </div>
    </section>
  );
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString(undefined, { hour12: false });
}
