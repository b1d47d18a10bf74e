/** Small hooks the pages share. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiFailure } from './api/client';

/** A value loaded from the API and kept fresh by polling. */
export interface Polled<T> {
  data: T | undefined;
  /** The last failure, cleared by the next success. */
  error: ApiFailure | undefined;
  /** Loads again now (after an action), resetting the poll timer. */
  refresh(): Promise<void>;
}

/**
 * Calls `load` now and then every `intervalMs` while the tab is visible (and at once when it
 * becomes visible again); an interval of 0 stops polling after the first load. Requests of a
 * previous `key` are aborted, so a page never shows another page's data.
 */
export function usePolling<T>(key: string, load: (signal: AbortSignal) => Promise<T>, intervalMs: number): Polled<T> {
  const [state, setState] = useState<{ key: string; data?: T; error?: ApiFailure }>({ key });
  const loadRef = useRef(load);
  loadRef.current = load;
  const tick = useRef<() => Promise<void>>(async () => undefined);

  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running: Promise<void> | undefined;
    const run = async () => {
      clearTimeout(timer);
      try {
        const data = await loadRef.current(abort.signal);
        if (!abort.signal.aborted) setState({ key, data });
      } catch (err) {
        if (abort.signal.aborted) return;
        const failure = err instanceof ApiFailure ? err : new ApiFailure(0, String(err));
        setState((prev) => ({ key, data: prev.key === key ? prev.data : undefined, error: failure }));
      }
      if (!abort.signal.aborted && intervalMs > 0 && document.visibilityState === 'visible') timer = setTimeout(() => void once(), intervalMs);
    };
    const once = () => (running ??= run().finally(() => (running = undefined)));
    const onVisible = () => {
      if (document.visibilityState === 'visible') void once();
    };
    // After an action, a load already in flight may predate it: wait for it, then load again.
    tick.current = () => (running ? running.then(() => once()) : once());
    void once();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      abort.abort();
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [key, intervalMs]);

  const refresh = useCallback(() => tick.current(), []);
  const current = state.key === key ? state : { data: undefined, error: undefined };
  return { data: current.data, error: current.error, refresh };
}

/** Sets the page title ("<title> · Burrow"). */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Burrow` : 'Burrow';
  }, [title]);
}

/** A form's submit: `busy` while it runs, and its failure (cleared when it runs again). */
export interface FormAction {
  busy: boolean;
  failure: ApiFailure | undefined;
  /** Runs `action`; a thrown error becomes `failure` (never rethrown). */
  run(action: () => Promise<void>): Promise<void>;
  /** Forgets the failure (e.g. once the user edits the field it was about). */
  clear(): void;
}

/** State of one form's submit. */
export function useFormAction(): FormAction {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiFailure>();
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await action();
    } catch (err) {
      setFailure(err instanceof ApiFailure ? err : new ApiFailure(0, String(err)));
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setFailure(undefined), []);
  return { busy, failure, run, clear };
}
