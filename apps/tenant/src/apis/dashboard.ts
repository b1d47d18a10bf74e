/**
 * The admin dashboard at `/_/` (apps/tenant/dashboard, a single-page app built at setup). It is
 * read into memory at its first request, not at start: a tenant that nobody administers pays
 * nothing for it. Client routes live in the URL fragment (`/_/#/collections/posts`), as
 * PocketBase's; any other path under `/_/` without an extension is the app's page too.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { SpaSite } from '@burrow/spa';
import type { TenantApp } from '../core/app.js';

/**
 * Where the build lives: apps/tenant/dashboard/dist, found from this module whether it runs as
 * the bundle (dist/burrow-tenant.bundle.mjs) or as compiled or source files (dist|src/apis/).
 */
const DEFAULT_DIST = ['../dashboard/dist', '../../dashboard/dist']
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  .find((dir) => existsSync(join(dir, 'index.html'))) ?? fileURLToPath(new URL('../../dashboard/dist', import.meta.url));

/** Whether the dashboard is built here (then pages such as the OAuth2 redirect's end live in it). */
export function dashboardBuilt(distDir = DEFAULT_DIST): boolean {
  return existsSync(join(distDir, 'index.html'));
}

/** It talks to its own origin; record files and thumbs are same-origin images, previews blob: URLs. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Binds `/_` (a redirect) and `/_/*`. */
export function bindDashboardApi(_app: TenantApp, server: FastifyInstance, distDir = DEFAULT_DIST): void {
  let site: SpaSite | undefined;
  let loaded = false;
  const load = (): SpaSite | undefined => {
    if (!loaded) {
      site = SpaSite.load(distDir, { csp: CSP });
      loaded = true;
    }
    return site;
  };
  server.get('/_', (_request, reply) => reply.redirect('/_/', 301));
  server.get('/_/*', (request, reply) => {
    const s = load();
    if (!s) return reply.status(404).type('text/plain; charset=utf-8').send('The dashboard is not built here (node scripts/build_dashboard.mjs).');
    const path = request.url.split('?')[0].slice(2) || '/';
    return s.serve(path, request, reply);
  });
}
