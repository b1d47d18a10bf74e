/**
 * Live validation of an instance name: the shared rules (pattern, reserved names) at once,
 * then, after a short pause in typing, the API's answer on whether the name is taken.
 */
import { useEffect, useState } from 'react';
import { instanceNameProblem } from '@burrow/contracts/instance';
import type { ApiClient } from './api/client';

/** Where the check is. */
export type NameCheck = { state: 'empty' } | { state: 'checking' } | { state: 'ok' } | { state: 'unknown' } | { state: 'invalid'; message: string };

const DEBOUNCE_MS = 250;

/** Checks `name` as the user types; `unchanged` (the current name on a rename) counts as empty. */
export function useNameCheck(api: ApiClient, name: string, unchanged?: string): NameCheck {
  const [remote, setRemote] = useState<{ name: string; check: NameCheck }>();
  const local = name === '' || name === unchanged ? undefined : instanceNameProblem(name);
  const needsRemote = name !== '' && name !== unchanged && local === undefined;

  useEffect(() => {
    if (!needsRemote) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      api.nameAvailability(name, abort.signal).then(
        (r) => setRemote({ name, check: r.available ? { state: 'ok' } : { state: 'invalid', message: r.message ?? 'This name cannot be used.' } }),
        () => {
          // Unknown (offline, server error): do not block; the create or rename itself answers,
          // and the banner already says when the API is unreachable.
          if (!abort.signal.aborted) setRemote({ name, check: { state: 'unknown' } });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [api, name, needsRemote]);

  if (name === '' || name === unchanged) return { state: 'empty' };
  if (local) return { state: 'invalid', message: local.message };
  return remote?.name === name ? remote.check : { state: 'checking' };
}
