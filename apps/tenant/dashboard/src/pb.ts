/**
 * The dashboard's only way to its instance: the official PocketBase SDK against the page's own
 * origin (whatever the dashboard does, an app can do with the SDK too). The superuser session
 * is kept in localStorage under its own key.
 */
import PocketBase, { ClientResponseError, LocalAuthStore } from 'pocketbase';

/** The client of this instance. */
export const pb = new PocketBase(window.location.origin, new LocalAuthStore('burrow_dashboard_auth'));
// Several lists load at once (sidebar, table): never cancel one request because of another.
pb.autoCancellation(false);
// An expired or revoked superuser session ends here: back to the login instead of an error on every page.
pb.afterSend = (response, data: unknown) => {
  if (response.status === 401 && pb.authStore.isSuperuser) pb.authStore.clear();
  return data;
};

/** A failed call's message and its field errors (PocketBase's `{message, data}`). */
export interface Failure {
  message: string;
  fields: Record<string, string>;
}

/**
 * PocketBase's nested field errors (`{fields: {2: {name: {code, message}}}}`) as dotted paths
 * (`fields.2.name`), each with its message.
 */
export function flattenErrors(data: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (typeof data !== 'object' || data === null) return out;
  const record = data as Record<string, unknown>;
  if (typeof record.message === 'string' && typeof record.code === 'string') {
    out[prefix] = record.message;
    return out;
  }
  for (const [key, value] of Object.entries(record)) flattenErrors(value, prefix ? `${prefix}.${key}` : key, out);
  return out;
}

/** Reads a thrown SDK error (or anything else) as a Failure. */
export function failureOf(err: unknown): Failure {
  if (err instanceof ClientResponseError) {
    const fields = flattenErrors(err.response?.data ?? {});
    const message = err.status === 0 ? 'The instance cannot be reached.' : String(err.response?.message || err.message);
    return { message, fields };
  }
  return { message: err instanceof Error ? err.message : String(err), fields: {} };
}
