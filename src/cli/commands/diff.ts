// `camaudit diff [A] [B]`: devices new, gone and changed between two scans (default: the latest two of the same targets).
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { ExportDevice, ExportDocument, StoredScan } from '../../core/types.js';
import { defaultDiffPair, diffDevices, type ScanDiff } from '../../inventory/diff.js';
import { orderDevice } from '../../export/json.js';
import type { ScanRef, Store } from '../../store/store.js';
import { openInventory, parseScanRef } from '../inventory.js';
import { defaultDbPath } from '../options.js';
import { renderTable } from '../table.js';

async function scanOrFail(store: Store, ref: ScanRef, db: string): Promise<ExportDocument> {
  const doc = await store.exportDocument(ref);
  if (!doc) throw new UsageError(ref === 'latest' ? `no scans in ${db} yet; run \`camaudit scan\` first` : `no scan ${ref} in ${db}; see \`camaudit scans\``);
  return doc;
}

async function pair(store: Store, a: ScanRef | undefined, b: ScanRef | undefined, db: string, site?: string): Promise<[ExportDocument, ExportDocument]> {
  if (a !== undefined) return [await scanOrFail(store, a, db), await scanOrFail(store, b ?? 'latest', db)];
  const scans: StoredScan[] = (await store.listScans()).filter((s) => site === undefined || s.site === site);
  if (scans.length === 0) throw new UsageError(`no scans${site === undefined ? '' : ` of site ${site}`} in ${db} yet; run \`camaudit scan\` first`);
  const p = defaultDiffPair(scans);
  if (!p) throw new UsageError(`scan ${scans[0]!.id} is the only scan of ${scans[0]!.targets.join(' ')}; name two scans: camaudit diff A B`);
  return [await scanOrFail(store, p[0].id, db), await scanOrFail(store, p[1].id, db)];
}

const who = (d: ExportDevice): string[] => [d.ip, d.mac ?? '-', d.manufacturer ?? '-', d.model ?? '-', d.flagged ? 'FLAGGED' : ''];

function table(diff: ScanDiff): string {
  const rows = [
    ...diff.added.map((d) => ['new', ...who(d), d.restriction ? d.restriction.lists.join(',') : '']),
    ...diff.gone.map((d) => ['gone', ...who(d), `last seen ${d.lastSeen?.slice(0, 10) ?? '?'}`]),
    ...diff.changed.map(({ device, changes }) => ['changed', ...who(device), changes.map((c) => `${c.field}: ${c.from ?? '-'} → ${c.to ?? '-'}`).join('; ')]),
  ];
  return renderTable(['CHANGE', 'IP', 'MAC', 'MAKER', 'MODEL', 'FLAG', 'DETAIL'], rows, 60);
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .summary('what changed between two scans: devices new, gone, and changed (IP, firmware, attribution, flag)')
    .argument('[SCAN_A]', 'the earlier scan (default: the scan before the latest one of the same targets)')
    .argument('[SCAN_B]', 'the later scan (default: the latest)')
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--json', 'JSON instead of a table')
    .option('--site <name>', 'by default, the latest two scans of this site (a fleet\'s database holds every site\'s)')
    .addHelpText('after', `
Examples:
  $ camaudit diff                         the latest scan against the previous one of the same targets
  $ camaudit diff --site lyon
  $ camaudit diff 3 7
  $ camaudit diff --json | jq '.gone[].ip'`)
    .action(async (a: string | undefined, b: string | undefined, flags: { db: string; json?: boolean; site?: string }) => {
      const refs = [a, b].map((r, i) => (r === undefined ? undefined : parseScanRef(r, i === 0 ? 'SCAN_A' : 'SCAN_B')));
      const store = await openInventory(flags.db);
      try {
        const [from, to] = await pair(store, refs[0], refs[1], flags.db, flags.site);
        const diff = diffDevices(from.devices, to.devices);
        if (flags.json) {
          const out = {
            from: from.scan,
            to: to.scan,
            added: diff.added.map(orderDevice),
            gone: diff.gone.map(orderDevice),
            changed: diff.changed.map((c) => ({ device: orderDevice(c.device), changes: c.changes })),
          };
          return void process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        }
        const head = `Scan ${from.scan.id} (${from.scan.startedAt.slice(0, 16)}) → scan ${to.scan.id} (${to.scan.startedAt.slice(0, 16)}): ${diff.added.length} new, ${diff.gone.length} gone, ${diff.changed.length} changed`;
        const empty = diff.added.length + diff.gone.length + diff.changed.length === 0;
        process.stdout.write(`${head}\n${empty ? '' : `\n${table(diff)}\n`}`);
      } finally {
        await store.close();
      }
    });
}
