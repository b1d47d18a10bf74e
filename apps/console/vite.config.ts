/** Vite build of the console: static files in dist/, served by the api at `/`. */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The api serves these with a strict CSP (no inline script): keep every module a file.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    // `npm run dev -w apps/console` next to `npm start`: API calls go to the api.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
