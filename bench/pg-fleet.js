// `node bench/pg-fleet.js [--sensors 20] [--devices 5000] [--sites 20]` (as root, Debian's postgresql installed):
// a fleet writing to one PostgreSQL at once. A throwaway cluster (dist/lab/postgres.js) on a unix socket; every
// sensor is its own process saving one synthetic scan (pg-sensor.js) at the same moment. Prints rows per second
// (devices and observations stored, inventory updated, over the wall time from start to the last commit) and
// checks that no row was lost: every scan, device and observation is counted back, and each site has one asset
// per device. Writes bench/results/pg-fleet.json.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startPgCluster } from '../dist/lab/postgres.js';

const { values } = parseArgs({
  options: {
    sensors: { type: 'string', default: '20' },
    devices: { type: 'string', default: '5000' },
    sites: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/pg-fleet.json', import.meta.url)) },
  },
});
const sensors = Number(values.sensors);
const devices = Number(values.devices);
const sites = Number(values.sites ?? sensors);
const log = (s) => process.stderr.write(`${s}\n`);

function sensor(db, i) {
  return new Promise((resolve, reject) => {
    const args = [fileURLToPath(new URL('./pg-sensor.js', import.meta.url)), db, String(devices), `site-${i % sites}`, `sensor-${i}`];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CAMAUDIT_DB: '' } });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d.slice(0, 4096)));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`sensor ${i}: exit ${code}: ${err.trim()}`))));
  });
}

const cluster = await startPgCluster();
const stop = () => cluster.stop();
process.once('SIGINT', () => (stop(), process.exit(130)));
try {
  const db = cluster.socketUrl(cluster.createDatabase('fleet_bench'));
  log(`pg-fleet: ${sensors} sensors × ${devices} devices, ${sites} site(s), PostgreSQL at ${cluster.socketDir}`);
  const t0 = performance.now();
  const runs = await Promise.all(Array.from({ length: sensors }, (_, i) => sensor(db, i)));
  const wallMs = Math.round(performance.now() - t0);
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  const count = async (sql) => Number((await client.query(sql)).rows[0].n);
  const stored = {
    scans: await count('SELECT count(*) AS n FROM scans'),
    devices: await count('SELECT count(*) AS n FROM devices'),
    observations: await count('SELECT count(*) AS n FROM observations'),
    assets: await count('SELECT count(*) AS n FROM assets'),
    unlinkedDevices: await count('SELECT count(*) AS n FROM devices WHERE asset_id IS NULL'),
  };
  await client.end();
  const rows = runs.reduce((s, r) => s + r.rows, 0);
  const expected = { scans: sensors, devices: sensors * devices, observations: rows - sensors * devices, assets: Math.min(sites, sensors) * devices, unlinkedDevices: 0 };
  const lost = Object.keys(expected).filter((k) => stored[k] !== expected[k]);
  const result = {
    date: new Date().toISOString(),
    sensors,
    devicesPerSensor: devices,
    sites,
    wallMs,
    rows,
    rowsPerSecond: Math.round(rows / (wallMs / 1000)),
    sensorMs: { min: Math.min(...runs.map((r) => r.ms)), max: Math.max(...runs.map((r) => r.ms)) },
    stored,
    expected,
    lost,
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
  log(`pg-fleet: ${rows} rows in ${(wallMs / 1000).toFixed(1)} s = ${result.rowsPerSecond} rows/s; per sensor ${result.sensorMs.min}–${result.sensorMs.max} ms`);
  log(lost.length ? `pg-fleet: LOST ROWS in ${lost.join(', ')}: stored ${JSON.stringify(stored)}, expected ${JSON.stringify(expected)}` : 'pg-fleet: no row lost');
  process.exitCode = lost.length ? 1 : 0;
} finally {
  stop();
}
