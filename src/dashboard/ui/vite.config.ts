/**
 * Builds the dashboard page: src/dashboard/ui → dist/dashboard-ui (index.html + hashed assets/), which
 * the supervisor serves at `/`. Run by scripts/build.mjs after tsc, so no dev server is needed.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  // Plain JSX through Vite's own transform: no plugin needed for Preact's automatic runtime.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    // A folder of its own, apart from tsc's dist/dashboard/*.js (the server side): only the page's
    // files are ever served, and each build starts from an empty folder.
    outDir: fileURLToPath(new URL('../../../dist/dashboard-ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Classroom machines may be offline: everything goes in the bundle, nothing inlined as base64.
    assetsInlineLimit: 0,
  },
  logLevel: 'warn',
});
