#!/usr/bin/env node
// The whole test command (`npm test`): typecheck, lint + format check, build, then every test file
// (unit tests beside the code in src/, multi-process and browser tests in test/e2e/) with node:test.
// A script rather than a chain of shell commands so that it runs the same on Windows, macOS and Linux.
//
//   node scripts/test.mjs            everything
//   node scripts/test.mjs --only-tests [file-filter]   skip the checks, run the matching test files
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const onlyTests = args.includes('--only-tests');
const filter = args.filter((a) => !a.startsWith('--'))[0];

function run(title, argv) {
  console.log(`\n> ${title}`);
  const r = spawnSync(process.execPath, argv, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${title} failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
}

function findTests(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(full));
    else if (entry.name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

if (!onlyTests) {
  run('typecheck', [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
  run('typecheck (dashboard page)', [
    join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    'src/dashboard/ui/tsconfig.json',
  ]);
  run('lint and format check', [join(root, 'node_modules/@biomejs/biome/bin/biome'), 'ci', '.']);
  run('build', [join(root, 'scripts/build.mjs')]);
}
const files = [...findTests(join(root, 'src')), ...findTests(join(root, 'test'))]
  .filter((f) => !filter || f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}
run(`tests (${files.length} files)`, [
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=2',
  '--test-timeout=120000',
  ...files,
]);
