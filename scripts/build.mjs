#!/usr/bin/env node
// The build (`npm run build`, and `prepare` on install): tsc emits src → dist, then Vite bundles the
// dashboard page src/dashboard/ui → dist/dashboard-ui (index.html + hashed assets/). A node script rather
// than a chain of shell commands so that it runs the same on Windows, macOS and Linux.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function run(title, argv) {
  console.log(`> ${title}`);
  const r = spawnSync(process.execPath, argv, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${title} failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
}

run('tsc -p tsconfig.build.json', [
  join(root, 'node_modules/typescript/bin/tsc'),
  '-p',
  'tsconfig.build.json',
]);
run('vite build', [
  join(root, 'node_modules/vite/bin/vite.js'),
  'build',
  '--config',
  join(root, 'src/dashboard/ui/vite.config.ts'),
]);
