/**
 * The superuser session: the SDK's auth store, plus taking over a token handed in the URL
 * fragment by the platform's console (`/_/#token=...`, from "Open dashboard"), which is then
 * removed from the URL and the browser history.
 */
import { useEffect, useState } from 'react';
import { pb } from './pb';

/** Adopts a `#token=` from the URL (once, at start); true when one was there. */
export function adoptFragmentToken(): boolean {
  const m = /^#token=([^&]+)/.exec(window.location.hash);
  if (!m?.[1]) return false;
  pb.authStore.save(decodeURIComponent(m[1]), null);
  window.history.replaceState(null, '', `${window.location.pathname}#/`);
  return true;
}

/** Whether a superuser is signed in; re-renders when that changes. */
export function useSignedIn(): boolean {
  const check = () => pb.authStore.isValid && pb.authStore.isSuperuser;
  const [signedIn, setSignedIn] = useState(check);
  useEffect(() => pb.authStore.onChange(() => setSignedIn(check())), []);
  return signedIn;
}
