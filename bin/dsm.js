#!/usr/bin/env node
// The `dsm` command. The TypeScript sources are compiled to dist/ by `npm install` (the "prepare" script).
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist')) {
    console.error(
      'dsm is not built yet: run "npm install" (or "npm run build") in the project folder first.',
    );
    process.exit(1);
  }
  throw err;
});
