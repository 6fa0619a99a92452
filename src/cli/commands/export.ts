// `camaudit export`: the inventory (or one scan) as JSON, NDJSON, CSV or an HTML report, to stdout or a file.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { ExportDocument } from '../../core/types.js';
import { toCsv } from '../../export/csv.js';
import { toHtml } from '../../export/html.js';
import { toJson, toNdjson } from '../../export/json.js';
import type { Store } from '../../store/store.js';
import { addDeviceFilters, openInventory, selectDevices, type DeviceFilterFlags } from '../inventory.js';
import { defaultDbPath, oneOf } from '../options.js';

export { scanRefOption as scanRef } from '../inventory.js';

type Format = 'json' | 'ndjson' | 'csv' | 'html';
const FORMATS: Record<Format, (doc: ExportDocument, store: Store) => Promise<string> | string> = {
  json: toJson,
  ndjson: (doc) => toNdjson(doc.devices),
  csv: toCsv,
  html: async (doc, store) => toHtml({ title: 'Restricted-vendor device audit', generatedAt: new Date().toISOString(), document: doc, scans: await store.listScans() }),
};

interface ExportFlags extends DeviceFilterFlags {
  format: Format;
  output?: string;
}

export function registerExport(program: Command): void {
  const cmd = program
    .command('export')
    .summary('write the inventory as JSON, NDJSON, CSV or an HTML report')
    .description(
      'Write the devices of the inventory (or of one scan with --scan), with their makers, flags, legal citations, evidence, first and last seen, and finding status.',
    )
    .option('--format <format>', 'json, ndjson, csv or html', oneOf('--format', Object.keys(FORMATS) as Format[]), 'json')
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--flagged-only', 'same as --flagged');
  addDeviceFilters(cmd)
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ camaudit export --format csv --flagged -o flagged.csv      one row per device, ready for a ticketing import
  $ camaudit export --format html -o audit.html                a self-contained report that prints cleanly
  $ camaudit export --format ndjson --entity hikvision --since 2026-12-01
  $ camaudit export --scan 12 | jq '.devices[] | {ip, manufacturer, flagged}'

CSV cells that a spreadsheet would run as formulas are prefixed with ' (device strings come from the network).`,
    )
    .action(async (flags: ExportFlags) => {
      const store = await openInventory(flags.db);
      try {
        const doc = await selectDevices(store, flags);
        const text = await FORMATS[flags.format](doc, store);
        if (!flags.output) return void process.stdout.write(text);
        try {
          writeFileSync(flags.output, text);
        } catch (err) {
          throw new UsageError(`cannot write ${JSON.stringify(flags.output)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        const what = flags.scan === undefined ? 'the inventory' : `scan ${doc.scan.id}`;
        process.stderr.write(`camaudit: wrote ${doc.devices.length} devices of ${what} to ${flags.output}\n`);
      } finally {
        await store.close();
      }
    });
}
