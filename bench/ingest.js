// `node bench/ingest.js <db> <devices> <0|1>`: saves one synthetic scan (synthetic.js) the way `camaudit scan`
// does, and prints how long store.saveScan took and the process's peak RSS as JSON.
import { loadKnowledge } from '../dist/knowledge/load.js';
import { openStore } from '../dist/cli/store.js';
import { syntheticScan } from './synthetic.js';

const [db, n, which] = process.argv.slice(2);
const store = await openStore(db, loadKnowledge());
try {
  const result = syntheticScan(Number(n), Number(which));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const id = await store.saveScan(result);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  process.stdout.write(`${JSON.stringify({ id, ms: Math.round(ms), cpuMs, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
} finally {
  await store.close();
}
