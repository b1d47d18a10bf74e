/** The state of a form's submit: busy while it runs, the failure it ended with. */
import { useCallback, useState } from 'react';
import { failureOf, type Failure } from './pb';

/** What useAction gives. */
export interface Action {
  busy: boolean;
  failure?: Failure;
  /** Runs `fn`, recording its failure (or clearing the last one). */
  run(fn: () => Promise<void>): Promise<void>;
}

/** One submit's state. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure>();
  const run = useCallback(async (fn: () => Promise<void>) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await fn();
    } catch (err) {
      setFailure(failureOf(err));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, failure, run };
}
