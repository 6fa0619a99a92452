// `node bench/rss-cli.js <camaudit args>`: the camaudit CLI, and on exit its peak RSS, CPU time and the times its
// code started and ended, as JSON in the file $BENCH_OUT (a parent cannot read another process's peak RSS).
import { writeFileSync } from 'node:fs';

const out = process.env.BENCH_OUT;
if (!out) throw new Error('BENCH_OUT is not set');
const t0 = Date.now();
process.on('exit', () => {
  const u = process.resourceUsage();
  const cpuMs = Math.round((u.userCPUTime + u.systemCPUTime) / 1000);
  writeFileSync(out, JSON.stringify({ maxRssKb: u.maxRSS, cpuMs, processStart: Math.round(performance.timeOrigin), mainStart: t0, exit: Date.now() }));
});
const { main } = await import('../dist/cli/main.js');
await main(process.argv);
