// `camaudit scans`: the stored scans, newest first.
import type { Command } from 'commander';
import type { StoredScan } from '../../core/types.js';
import { shortTime } from '../inventory.js';
import { defaultDbPath } from '../options.js';
import { openStore } from '../store.js';
import { renderTable } from '../table.js';

const durationMs = (s: StoredScan): number => Math.max(0, Date.parse(s.finishedAt) - Date.parse(s.startedAt));

export function registerScans(program: Command): void {
  program
    .command('scans')
    .summary('list the stored scans: when, which targets, how many devices and flags, complete or interrupted')
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--json', 'a JSON array instead of a table')
    .option('--site <name>', 'only the scans taken at this site')
    .addHelpText('after', `
Examples:
  $ camaudit scans
  $ camaudit scans --site berlin --db postgres://camaudit@inventory/camaudit
  $ camaudit scans --json | jq '.[] | select(.status=="complete") | .id'
  $ camaudit diff 3 7                     what changed between two of them`)
    .action(async (flags: { db: string; json?: boolean; site?: string }) => {
      const store = await openStore(flags.db);
      try {
        const scans = (await store.listScans()).filter((s) => flags.site === undefined || s.site === flags.site);
        if (flags.json) {
          const plain = scans.map((s) => ({
            id: s.id, site: s.site, sensor: s.sensor, startedAt: s.startedAt, finishedAt: s.finishedAt, durationMs: durationMs(s), status: s.status, targets: s.targets, policy: s.policy,
            devices: s.deviceCount, flagged: s.flaggedCount, runs: s.runs,
          }));
          return void process.stdout.write(`${JSON.stringify(plain, null, 2)}\n`);
        }
        if (scans.length === 0) return void process.stdout.write(`No scans${flags.site === undefined ? '' : ` of site ${flags.site}`} in ${flags.db} yet; run \`camaudit scan\` first.\n`);
        const rows = scans.map((s) => [String(s.id), s.site ?? '', shortTime(s.startedAt), `${(durationMs(s) / 1000).toFixed(1)} s`, s.status, s.targets.join(' '), String(s.deviceCount), String(s.flaggedCount)]);
        process.stdout.write(`${renderTable(['ID', 'SITE', 'STARTED (UTC)', 'DURATION', 'STATUS', 'TARGETS', 'DEVICES', 'FLAGGED'], rows, 48)}\n`);
      } finally {
        await store.close();
      }
    });
}
