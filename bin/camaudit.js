#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli into dist/ by `npm run build` (also run on install).
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    console.error('camaudit: dist/ is missing; run `npm run build` first');
    process.exit(1);
  }
  throw err;
});
