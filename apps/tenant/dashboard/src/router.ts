/**
 * Routes live in the URL fragment, as PocketBase's dashboard's (`/_/#/collections/posts`), so
 * mail links (`/_/#/auth/...`) and the installer link work on any server path. `useRoute()`
 * gives the fragment's path segments and re-renders on change.
 */
import { useEffect, useState } from 'react';

/** The fragment as path segments (`#/collections/posts?x` -> ['collections', 'posts']). */
export function currentRoute(): string[] {
  const raw = window.location.hash.replace(/^#/, '').split('?')[0] ?? '';
  return raw.split('/').filter(Boolean).map(decodeURIComponent);
}

/** The current route, updated on hash changes. */
export function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** Goes to `path` (`/collections/posts`). */
export function go(path: string): void {
  window.location.hash = `#${path}`;
}

/** The href of a route. */
export function href(path: string): string {
  return `#${path}`;
}
