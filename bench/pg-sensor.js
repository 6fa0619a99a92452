// `node bench/pg-sensor.js <db> <devices> <site> <sensor>`: one fleet sensor for pg-fleet.js. Saves one synthetic
// scan (synthetic.js) as `camaudit scan --site SITE --sensor SENSOR` would, and prints its timing as JSON.
import { openStore } from '../dist/cli/store.js';
import { loadKnowledge } from '../dist/knowledge/load.js';
import { syntheticScan } from './synthetic.js';

const [db, n, site, sensor] = process.argv.slice(2);
const store = await openStore(db, loadKnowledge());
try {
  const scan = syntheticScan(Number(n), 0);
  const result = { ...scan, scan: { ...scan.scan, site, sensor } };
  const t0 = performance.now();
  const id = await store.saveScan(result);
  const rows = result.devices.length + result.devices.reduce((sum, d) => sum + d.observations.length, 0);
  process.stdout.write(`${JSON.stringify({ id, ms: Math.round(performance.now() - t0), rows })}\n`);
} finally {
  await store.close();
}
