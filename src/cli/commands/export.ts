// `camaudit export`: a stored scan as JSON or CSV, to stdout or a file.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { toCsv } from '../../export/csv.js';
import { toJson } from '../../export/json.js';
import type { ScanRef } from '../../store/store.js';
import { defaultDbPath, oneOf } from '../options.js';
import { openStore } from '../store.js';

export function scanRef(value: string): ScanRef {
  if (value === 'latest') return 'latest';
  if (!/^\d{1,12}$/.test(value) || Number(value) === 0) throw new UsageError(`invalid --scan ${JSON.stringify(value)}: expected a scan id or "latest"`);
  return Number(value);
}

const FORMATS = { json: toJson, csv: toCsv } as const;

interface ExportFlags {
  format: keyof typeof FORMATS;
  db: string;
  scan: ScanRef;
  flaggedOnly?: boolean;
  output?: string;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .summary('write a stored scan as JSON or CSV')
    .description('Write the devices of a stored scan, with their makers, flags, legal citations and evidence, as JSON or CSV.')
    .option('--format <format>', 'json or csv', oneOf('--format', Object.keys(FORMATS) as (keyof typeof FORMATS)[]), 'json')
    .option('--db <file>', 'SQLite database (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--scan <id>', 'scan id, or "latest"', scanRef, 'latest' as ScanRef)
    .option('--flagged-only', 'only devices whose maker is on a restriction list')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ camaudit export --format csv --flagged-only -o flagged.csv
  $ camaudit export --scan 12 | jq '.devices[] | {ip, manufacturer, flagged}'

CSV cells that a spreadsheet would run as formulas are prefixed with ' (device strings come from the network).`,
    )
    .action(async (flags: ExportFlags) => {
      const store = await openStore(flags.db);
      try {
        const doc = await store.exportDocument(flags.scan, { flaggedOnly: flags.flaggedOnly });
        if (!doc) throw new UsageError(flags.scan === 'latest' ? `no scans in ${flags.db} yet; run \`camaudit scan\` first` : `no scan ${flags.scan} in ${flags.db}`);
        const text = FORMATS[flags.format](doc);
        if (!flags.output) return void process.stdout.write(text);
        try {
          writeFileSync(flags.output, text);
        } catch (err) {
          throw new UsageError(`cannot write ${JSON.stringify(flags.output)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        process.stderr.write(`camaudit: wrote ${doc.devices.length} devices of scan ${doc.scan.id} to ${flags.output}\n`);
      } finally {
        await store.close();
      }
    });
}
