// `camaudit export`: the inventory (or one scan) as JSON, NDJSON, CSV or an HTML report, to stdout or a file.
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { ExportDevice } from '../../core/types.js';
import { csvWriter } from '../../export/csv.js';
import { summariseSites } from '../../export/html-sites.js';
import { htmlWriter } from '../../export/html.js';
import { jsonWriter, ndjsonWriter } from '../../export/json.js';
import { siteSummaryText } from '../../export/site-summary.js';
import { writeChunks, type DeviceWriter } from '../../export/writer.js';
import { deviceMatches } from '../../inventory/filter.js';
import type { Store } from '../../store/store.js';
import { addDeviceFilters, openInventory, selectDevices, selectedDevices, type DeviceFilterFlags, type DeviceSelection } from '../inventory.js';
import { defaultDbPath, oneOf } from '../options.js';
import { writeFile, writeStdout } from '../write-out.js';

export { scanRefOption as scanRef } from '../inventory.js';

type Format = 'json' | 'ndjson' | 'csv' | 'html';
/** A format's writer; `devices`, when the format knows how many devices it holds without being given them all. */
interface Output {
  readonly writer: DeviceWriter;
  readonly devices?: number;
}
// Whatever a format needs before its first device is read here, before the devices' stream takes the store.
const FORMATS: Record<Format, (selection: DeviceSelection, store: Store) => Promise<Output> | Output> = {
  json: (selection) => ({ writer: jsonWriter(selection.scan) }),
  ndjson: () => ({ writer: ndjsonWriter() }),
  csv: () => ({ writer: csvWriter() }),
  html: async ({ scan, source, filter }, store) => {
    const matches = deviceMatches(filter);
    const groups = (await store.deviceGroups(source)).filter((g) => matches(g.device));
    const head = { title: 'Restricted-vendor device audit', generatedAt: new Date().toISOString(), scan, scans: await store.listScans() };
    return { writer: htmlWriter(head, groups), devices: groups.reduce((n, g) => n + g.count, 0) };
  },
};

interface ExportFlags extends DeviceFilterFlags {
  format: Format;
  output?: string;
  bySite?: boolean;
}

/** `--by-site`: the selected devices counted per site, one row each, instead of the devices. */
async function* siteSummary(store: Store, selection: DeviceSelection, format: Exclude<Format, 'html'>): AsyncGenerator<string> {
  const matches = deviceMatches(selection.filter);
  yield siteSummaryText(summariseSites((await store.deviceGroups(selection.source)).filter((g) => matches(g.device))), format);
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
    .option('--by-site', 'instead of the devices, one row per site: devices, flagged, open findings (csv, json or ndjson)')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ camaudit export --format csv --flagged -o flagged.csv      one row per device, ready for a ticketing import
  $ camaudit export --format html -o audit.html                a self-contained report that prints cleanly
  $ camaudit export --format ndjson --entity hikvision --since 2026-12-01
  $ camaudit export --scan 12 | jq '.devices[] | {ip, manufacturer, flagged}'
  $ camaudit export --db postgres://camaudit@db.example.org/camaudit --format csv --by-site -o sites.csv

CSV cells that a spreadsheet would run as formulas are prefixed with ' (device strings come from the network).`,
    )
    .action(async (flags: ExportFlags) => {
      const bySite = flags.bySite ? flags.format : null;
      if (bySite === 'html') throw new UsageError('--by-site writes csv, json or ndjson; the HTML report has its own "By site" table');
      const store = await openInventory(flags.db);
      try {
        const selection = await selectDevices(store, flags);
        if (bySite) {
          const chunks = siteSummary(store, selection, bySite);
          return void (await (flags.output ? writeFile(flags.output, chunks) : writeStdout(chunks)));
        }
        const output = await FORMATS[flags.format](selection, store);
        let read = 0;
        const chunks = writeChunks(output.writer, counted(selectedDevices(store, selection), () => read++));
        if (!flags.output) return void (await writeStdout(chunks));
        await writeFile(flags.output, chunks);
        const what = flags.scan === undefined ? 'the inventory' : `scan ${selection.scan.id}`;
        process.stderr.write(`camaudit: wrote ${output.devices ?? read} devices of ${what} to ${flags.output}\n`);
      } finally {
        await store.close();
      }
    });
}

async function* counted(devices: AsyncIterable<ExportDevice>, count: () => void): AsyncGenerator<ExportDevice> {
  for await (const d of devices) {
    count();
    yield d;
  }
}
