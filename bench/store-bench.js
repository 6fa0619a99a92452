// The store and exports at scale: two synthetic scans of `n` devices saved (ingest.js), each export format of the
// later one, and `camaudit diff` of the two; wall time, CPU time and peak RSS of each, every step its own process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));

/** Runs `node <args>`; resolves with its wall time, exit code, and stdout/stderr (stdout only when asked for). */
function node(args, env = {}, keepStdout = false) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env: { ...process.env, CAMAUDIT_DB: '', ...env }, stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d.slice(0, 4096)));
    child.on('close', (code) => resolve({ ms: Math.round(performance.now() - t0), code, stdout, stderr: stderr.trim() }));
  });
}

/** `camaudit <args>` through rss-cli.js: wall time, peak RSS and CPU time, or why it failed. */
async function cli(dir, args) {
  const out = join(dir, 'rss.json');
  rmSync(out, { force: true });
  const r = await node([here('./rss-cli.js'), ...args], { BENCH_OUT: out });
  if (r.code !== 0) return { error: `exit ${r.code}: ${r.stderr.split('\n')[0]}` };
  const p = JSON.parse(readFileSync(out, 'utf8'));
  return { ms: r.ms, cpuMs: p.cpuMs, maxRssMb: Math.round(p.maxRssKb / 1024) };
}

/** @param {{ devices: number, log: (s: string) => void }} spec */
export async function benchStore(spec) {
  const dir = mkdtempSync(join(tmpdir(), 'camaudit-bench-store-'));
  const db = join(dir, 'bench.db');
  try {
    const ingest = [];
    for (const which of [0, 1]) {
      const r = await node([here('./ingest.js'), db, String(spec.devices), String(which)], {}, true);
      if (r.code !== 0) throw new Error(`ingest failed: ${r.stderr}`);
      ingest.push({ ...JSON.parse(r.stdout), processMs: r.ms });
      spec.log(`  ingest of ${spec.devices} devices (scan ${which + 1}): ${ingest.at(-1).ms} ms, ${ingest.at(-1).maxRssMb} MB`);
    }
    const exports = {};
    for (const format of ['json', 'csv', 'ndjson', 'html']) {
      const file = join(dir, `export.${format}`);
      const r = await cli(dir, ['export', '--db', db, '--scan', '2', '--format', format, '-o', file]);
      exports[format] = r.error && /format/.test(r.error) ? { absent: `this camaudit has no --format ${format}` } : { ...r, ...(r.error ? {} : { bytes: statSync(file).size }) };
      spec.log(`  export --format ${format}: ${JSON.stringify(exports[format])}`);
    }
    const diff = await cli(dir, ['diff', '1', '2', '--db', db, '--json']);
    const diffResult = diff.error && /unknown command/.test(diff.error) ? { todo: 'TODO: no `camaudit diff` in this build; not measured' } : diff;
    spec.log(`  diff 1 2: ${JSON.stringify(diffResult)}`);
    return { devices: spec.devices, dbBytes: statSync(db).size, ingest, exports, diff: diffResult };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
