// `camaudit devices`: the inventory (or one scan) as a table, JSON or NDJSON.
import type { Command } from 'commander';
import type { ExportDevice } from '../../core/types.js';
import { jsonArrayWriter, ndjsonWriter } from '../../export/json.js';
import { writeChunks } from '../../export/writer.js';
import { addDeviceFilters, openInventory, selectDevices, selectedDevices, shortTime, type DeviceFilterFlags } from '../inventory.js';
import { defaultDbPath } from '../options.js';
import { renderTable } from '../table.js';
import { writeStdout } from '../write-out.js';

interface DevicesFlags extends DeviceFilterFlags {
  json?: boolean;
  ndjson?: boolean;
}

export function deviceRow(d: ExportDevice): string[] {
  return [
    d.assetId === undefined ? '-' : String(d.assetId),
    d.flagged ? 'FLAGGED' : '',
    d.finding?.status ?? '-',
    d.ip,
    d.mac ?? '-',
    d.manufacturer ?? '-',
    d.model ?? '-',
    d.firmware ?? '-',
    d.deviceType,
    d.restriction?.lists.join(',') ?? '-',
    shortTime(d.firstSeen),
    shortTime(d.lastSeen),
  ];
}

export const DEVICE_HEADER = ['ID', 'FLAG', 'FINDING', 'IP', 'MAC', 'MAKER', 'MODEL', 'FIRMWARE', 'TYPE', 'LISTS', 'FIRST SEEN', 'LAST SEEN'];

export function registerDevices(program: Command): void {
  const cmd = program
    .command('devices')
    .summary('list the inventory: every device seen, with first and last seen and finding status')
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath());
  addDeviceFilters(cmd)
    .option('--json', 'a JSON array instead of a table')
    .option('--ndjson', 'one JSON object per line')
    .addHelpText(
      'after',
      `
Examples:
  $ camaudit devices --flagged
  $ camaudit devices --entity dahua --since 2026-12-01
  $ camaudit devices --scan latest --type camera
  $ camaudit devices --json | jq -r '.[] | select(.finding.status=="open") | .ip'

ID is the device's inventory id (camaudit history ID shows how it changed).`,
    )
    .action(async (flags: DevicesFlags) => {
      const store = await openInventory(flags.db);
      try {
        const devices = selectedDevices(store, await selectDevices(store, flags));
        if (flags.ndjson || flags.json) return void (await writeStdout(writeChunks(flags.ndjson ? ndjsonWriter() : jsonArrayWriter(), devices)));
        // A table's columns are as wide as their widest cell: every row is needed before the first is written.
        const rows: string[][] = [];
        for await (const d of devices) rows.push(deviceRow(d));
        process.stdout.write(`${renderTable(DEVICE_HEADER, rows, 32)}\n`);
      } finally {
        await store.close();
      }
    });
}
