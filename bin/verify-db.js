#!/usr/bin/env node
// Self-test of vendor-db (like recog's recog_verify): `node bin/verify-db.js [dir]`, default the package's
// vendor-db/. Problems go to stderr as `file:line: LEVEL message`, a one-line summary to stdout; exit 1 on any FAIL.
// Thin launcher over dist/, which `npm run build` compiles from src/knowledge.
const modules = Promise.all([
  import('../dist/knowledge/load.js'),
  import('../dist/knowledge/oui.js'),
  import('../dist/knowledge/problem.js'),
  import('../dist/knowledge/verify.js'),
]);

modules.then(([{ defaultVendorDbDir, loadVendorDb }, { shippedOuiRegistry }, { formatProblem }, { countItems, verifyVendorDb }]) => {
  const dir = process.argv[2] ?? defaultVendorDbDir();
  const db = loadVendorDb(dir);
  // Checked against the pinned oui-data, not a registry refreshed by `db update`: the result must not
  // depend on what this machine downloaded.
  const problems = verifyVendorDb(db, shippedOuiRegistry());
  for (const p of problems) console.error(formatProblem(p));
  const failed = problems.filter((p) => p.level === 'FAIL').length;
  const n = countItems(db.knowledge);
  console.log(
    `${dir}: ${n.entities} entities, ${n.lists} lists, ${n.rows} rows, ${n.fingerprints} fingerprints, ` +
      `${n.examples} examples checked; ${failed} FAIL, ${problems.length - failed} WARN`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
}).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('/dist/knowledge/')) {
    console.error('verify-db: dist/ is missing; run `npm run build` first');
    process.exit(1);
  }
  throw err;
});
