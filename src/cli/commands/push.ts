// `camaudit push`: a site that scanned offline (into its own SQLite file) uploads its scans into the
// central inventory. Each scan keeps its times, site and sensor; the target records where it came from
// (the file's database id and the scan's id there), so pushing the same file again adds nothing.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { isPostgresUrl, redactUrl } from '../../store/pg-url.js';
import { openSqliteStore } from '../../store/sqlite.js';
import type { Store } from '../../store/store.js';
import { checkDb, openStore } from '../store.js';

interface PushFlags {
  from: string;
  to?: string;
  json?: boolean;
}

export interface PushReport {
  readonly source: string;
  /** Source scan id → scan id in the target, for the scans this push added. */
  readonly added: readonly { readonly from: number; readonly to: number }[];
  /** Scans the target had already: pushed before. */
  readonly skipped: readonly { readonly from: number; readonly to: number }[];
}

/** Every scan of `from`, oldest first, into `to`: the inventory there sees them in the order they were taken. */
export async function pushScans(from: Store, to: Store): Promise<PushReport> {
  const source = await from.databaseId();
  const added: { from: number; to: number }[] = [];
  const skipped: { from: number; to: number }[] = [];
  const scans = (await from.listScans()).sort((a, b) => a.id - b.id);
  for (const scan of scans) {
    const stored = await from.loadScan(scan.id);
    if (!stored) continue; // deleted meanwhile
    const { id, added: isNew } = await to.importScan(stored.result, stored.names, { source, scanId: scan.id });
    (isNew ? added : skipped).push({ from: scan.id, to: id });
  }
  return { source, added, skipped };
}

export function registerPush(program: Command): void {
  program
    .command('push')
    .summary('upload the scans of a site\'s SQLite file into the central inventory, once each')
    .description('Upload every scan of a SQLite database into another camaudit database, normally the central PostgreSQL one. Scans keep their times, site and sensor; a scan pushed before is skipped.')
    .requiredOption('--from <file>', 'the SQLite database a sensor scanned into')
    .option('--to <db>', 'the central database: postgres://… URL or SQLite file (default: $CAMAUDIT_DB)')
    .option('--json', 'print what was added and skipped as JSON')
    .addHelpText('after', `
Examples:
  $ camaudit push --from /var/lib/camaudit/site.db --to postgres://camaudit@inventory.example.org/camaudit
  $ PGPASSWORD=… camaudit push --from site.db --to 'postgres://sensor@db/camaudit?sslmode=verify-full'
  $ camaudit push --from site.db --json | jq '.added | length'

Run it again whenever the link is up: scans already in the inventory are skipped.
The password comes from PGPASSWORD or ~/.pgpass, never from a flag; it is never printed.`)
    .action(async (flags: PushFlags) => {
      const target = checkDb(flags.to ?? process.env.CAMAUDIT_DB ?? '');
      if (!target) throw new UsageError('missing --to: give the central database (postgres://…) or set CAMAUDIT_DB');
      if (isPostgresUrl(flags.from)) throw new UsageError(`invalid --from ${JSON.stringify(redactUrl(flags.from))}: expected the SQLite file a sensor scanned into`);
      if (!existsSync(flags.from)) throw new UsageError(`invalid --from ${JSON.stringify(flags.from)}: no such file`);
      const from = await openSqliteStore(flags.from);
      try {
        const to = await openStore(target);
        try {
          const report = await pushScans(from, to);
          if (flags.json) return void process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          process.stdout.write(`Pushed ${report.added.length} scan(s) from ${flags.from} to ${target}; ${report.skipped.length} were there already.\n`);
        } finally {
          await to.close();
        }
      } finally {
        await from.close();
      }
    });
}
