// `npm run bench` (as root): camaudit against `nmap -sn -n` on namespace labs of several sizes, and the store and
// exports at 100,000 devices. Writes bench/results/latest.json and prints the README "Performance" tables.
//
//   npm run bench                                   everything: labs 24, dense and 16, then store (about 45 min on
//                                                   an idle 2-core machine; nmap's /16 alone took 2.5 to 43 min with the load)
//   npm run bench -- --only 24 --reps 5             the /24 lab only
//   npm run bench -- --only 16 --scan-arg=--rate=2000   extra `camaudit scan` arguments
//   npm run bench -- --only store --devices 20000
//
// Labs (labs.js) live in 198.18.0.0/15 inside namespaces of their own and are torn down on exit and on signals.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { load, machineInfo } from './machine.js';
import { formatTables, targets } from './report.js';
import { benchScan } from './scan-bench.js';
import { benchStore } from './store-bench.js';

// "dense" holds the /16's live hosts in a /21: the two peak RSS figures show what the empty addresses cost.
const LABS = {
  24: { name: 'lan24', cidr: '198.18.0.0/24', cameras: 20, quiet: 230, seed: 24 },
  dense: { name: 'dense21', cidr: '198.18.0.0/21', cameras: 20, quiet: 1980, seed: 21 },
  16: { name: 'lan16', cidr: '198.18.0.0/16', cameras: 20, quiet: 1980, seed: 16 },
};

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: '24,dense,16,store' },
    reps: { type: 'string', default: '3' },
    'nmap-reps-16': { type: 'string', default: '1' },
    devices: { type: 'string', default: '100000' },
    'scan-arg': { type: 'string', multiple: true, default: [] },
    'timeout-min': { type: 'string', default: '90' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/latest.json', import.meta.url)) },
  },
});
if (process.getuid?.() !== 0) {
  process.stderr.write('bench: the labs are network namespaces; run as root\n');
  process.exit(2);
}
const only = values.only.split(',');
const log = (s) => process.stderr.write(`${s}\n`);

const results = { date: new Date().toISOString(), machine: machineInfo(), labs: {}, store: null };

for (const key of ['24', 'dense', '16'].filter((k) => only.includes(k))) {
  const spec = LABS[key];
  const reps = Number(values.reps);
  results.labs[key] = await benchScan({
    ...spec,
    reps,
    nmapReps: key === '16' ? Math.min(reps, Number(values['nmap-reps-16'])) : reps,
    camauditArgs: values['scan-arg'],
    timeoutMs: Number(values['timeout-min']) * 60_000,
    log,
  });
}
if (only.includes('store')) {
  log(`store: ${values.devices} devices`);
  results.store = await benchStore({ devices: Number(values.devices), log });
}
results.machine.loadAtEnd = load();
results.targets = targets(results);

mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(formatTables(results));
log(`bench: wrote ${values.out}`);
