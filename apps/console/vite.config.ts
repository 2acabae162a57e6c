import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The caseworker console (ADR 0018), built into `dist/console`, which the gateway serves at `/`. Paths are
 * relative to the repository root (`npm run build:console` and `npm start` run Vite from there). In
 * development, `vite --config apps/console/vite.config.ts` proxies the API to a gateway on port 3000.
 */
const API = ['/auth', '/directory', '/health', '/docs'];

export default defineConfig({
  root: 'apps/console',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../../dist/console',
    emptyOutDir: true,
    // The gateway's content security policy allows scripts from files only: no inlined module preload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
  },
  server: {
    proxy: Object.fromEntries(
      [...API, '^/[a-z-]+/(deadlines|caseload|cases)'].map((path) => [path, 'http://127.0.0.1:3000']),
    ),
  },
});
