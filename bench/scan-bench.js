// One lab size: build the lab, then per repetition `nmap -sn -n` and a full `camaudit scan` of the same targets from
// the same scanner namespace; medians, the ratio, where camaudit's time went, and whether every camera was identified.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab } from '../dist/lab/netns.js';
import { openSqliteStore } from '../dist/store/sqlite.js';
import { benchLab } from './labs.js';
import { tableFulls } from './machine.js';
import { median } from './stats.js';

const RSS_CLI = fileURLToPath(new URL('./rss-cli.js', import.meta.url));

async function timeNmap(lab, cidr, timeoutMs) {
  const r = await lab.execInScanner('nmap', ['-sn', '-n', cidr], { timeoutMs });
  if (r.code !== 0) throw new Error(`nmap -sn -n ${cidr} failed (${r.timedOut ? 'timed out' : r.code}): ${r.stderr.trim()}`);
  const up = /\((\d+) hosts? up\)/.exec(r.stdout);
  return { ms: r.ms, up: up ? Number(up[1]) : null };
}

async function timeCamaudit(lab, cidr, dir, rep, extraArgs, timeoutMs) {
  const db = join(dir, `scan-${rep}.db`);
  const out = join(dir, `rss-${rep}.json`);
  const args = [RSS_CLI, 'scan', cidr, '--db', db, '--json', '--no-progress', ...extraArgs];
  const r = await lab.execInScanner(process.execPath, args, { timeoutMs, env: { BENCH_OUT: out, CAMAUDIT_DB: '' } });
  if (r.code !== 0) throw new Error(`camaudit scan ${cidr} failed (${r.timedOut ? 'timed out' : r.code}): ${r.stderr.trim().slice(0, 2000)}`);
  const proc = JSON.parse(readFileSync(out, 'utf8'));
  const doc = JSON.parse(r.stdout);
  const store = await openSqliteStore(db);
  try {
    const scan = await store.getScan('latest');
    const started = Date.parse(scan.startedAt);
    const finished = Date.parse(scan.finishedAt);
    return {
      ms: r.ms,
      cpuMs: proc.cpuMs,
      maxRssMb: proc.maxRssKb / 1024,
      devices: doc.devices,
      // Where the wall time went: node itself, loading (modules, vendor-db, database, OUI registry), the scan
      // (discovery and identification), then storing and printing.
      phases: {
        nodeBoot: proc.mainStart - proc.processStart,
        load: started - proc.mainStart,
        scan: finished - started,
        storeAndOutput: proc.exit - finished,
      },
      sources: Object.fromEntries(scan.runs.map((s) => [s.source, { ms: s.ms, status: s.status, ...(s.counts ? { counts: s.counts } : {}) }])),
    };
  } finally {
    await store.close();
  }
}

/** Cameras whose maker camaudit did not name as expected; quiet hosts it missed or flagged. */
function check(result, lab) {
  const byIp = new Map(result.devices.map((d) => [d.ip, d]));
  const cameraMisses = lab.cameras
    .filter((c) => byIp.get(c.ip)?.manufacturer !== c.maker)
    .map((c) => `${c.ip} (${c.clone}): expected ${c.maker}, got ${byIp.has(c.ip) ? byIp.get(c.ip).manufacturer : 'not found'}`);
  const quietMissing = lab.quiet.filter((ip) => !byIp.has(ip)).length;
  const quietFlagged = lab.quiet.filter((ip) => byIp.get(ip)?.flagged).length;
  return { cameraMisses, quietMissing, quietFlagged, devices: result.devices.length };
}

/**
 * @param {{ name: string, cidr: string, cameras: number, quiet: number, seed: number, reps: number,
 *           nmapReps: number, camauditArgs: string[], timeoutMs: number, log: (s: string) => void }} spec
 */
export async function benchScan(spec) {
  const built = benchLab(spec);
  const t0 = Date.now();
  const lab = await startLab(built.topology, { readyTimeoutMs: 60_000 });
  const dir = mkdtempSync(join(tmpdir(), `camaudit-bench-${spec.name}-`));
  try {
    const labMs = Date.now() - t0;
    spec.log(`${spec.name}: lab of ${built.cameras.length} cameras and ${built.quiet.length} quiet hosts in ${spec.cidr} up in ${(labMs / 1000).toFixed(1)} s`);
    const nmap = [];
    const cam = [];
    // Interleaved, so both see the same machine load.
    for (let rep = 0; rep < spec.reps; rep++) {
      if (rep < spec.nmapReps) {
        nmap.push(await timeNmap(lab, spec.cidr, spec.timeoutMs));
        spec.log(`  nmap -sn -n: ${nmap.at(-1).ms} ms, ${nmap.at(-1).up} up`);
      }
      const fulls = tableFulls();
      const c = await timeCamaudit(lab, spec.cidr, dir, rep, spec.camauditArgs, spec.timeoutMs);
      c.tableFulls = fulls === null ? null : tableFulls() - fulls;
      c.check = check(c, built);
      delete c.devices;
      cam.push(c);
      spec.log(`  camaudit scan: ${c.ms} ms, ${c.maxRssMb.toFixed(0)} MB, ${c.check.devices} devices, camera misses ${c.check.cameraMisses.length}, table_fulls ${c.tableFulls}`);
    }
    const nmapMs = median(nmap.map((n) => n.ms));
    const camMs = median(cam.map((c) => c.ms));
    const last = cam.at(-1);
    return {
      cidr: spec.cidr,
      addresses: 2 ** (32 - Number(spec.cidr.split('/')[1])),
      live: built.cameras.length + built.quiet.length,
      cameras: built.cameras.length,
      labSetupMs: labMs,
      reps: cam.length,
      nmapReps: nmap.length,
      nmap: { medianMs: nmapMs, runsMs: nmap.map((n) => n.ms), up: nmap.at(-1)?.up ?? null },
      camaudit: {
        args: spec.camauditArgs,
        medianMs: camMs,
        runsMs: cam.map((c) => c.ms),
        cpuMs: median(cam.map((c) => c.cpuMs)),
        maxRssMb: Math.max(...cam.map((c) => c.maxRssMb)),
        phasesMs: Object.fromEntries(Object.keys(last.phases).map((k) => [k, median(cam.map((c) => c.phases[k]))])),
        sourcesMs: Object.fromEntries(Object.keys(last.sources).map((k) => [k, median(cam.map((c) => c.sources[k]?.ms ?? 0))])),
        sourceRuns: last.sources,
        check: last.check,
        // Every run's misses, not only the last one's: a miss in any run is what needs explaining.
        cameraMissesByRun: cam.map((c) => c.check.cameraMisses),
        // Neighbour entries the kernel could not create during each run: probes dropped without an error.
        tableFullsByRun: cam.map((c) => c.tableFulls),
        allCamerasIdentified: cam.every((c) => c.check.cameraMisses.length === 0),
      },
      ratio: nmapMs ? camMs / nmapMs : null,
    };
  } finally {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
