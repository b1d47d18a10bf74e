/** Vite build of the tenant's admin dashboard: static files in dist/, served by the tenant at `/_/`. */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  base: '/_/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Served with a strict CSP (no inline script): keep every module a file.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    // `npx vite apps/tenant/dashboard` next to `burrow-tenant serve`: API calls go to the tenant.
    proxy: { '/api': 'http://127.0.0.1:8090' },
  },
});
