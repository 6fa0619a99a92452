// `camaudit devices`: the devices of a stored scan as a table (TTY) or JSON.
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { ScanRef } from '../../store/store.js';
import { defaultDbPath } from '../options.js';
import { openStore } from '../store.js';
import { renderTable } from '../table.js';
import { scanRef } from './export.js';

interface DevicesFlags {
  db: string;
  scan: ScanRef;
  flagged?: boolean;
  json?: boolean;
}

export function registerDevices(program: Command): void {
  program
    .command('devices')
    .summary('list the devices of a stored scan')
    .option('--db <file>', 'SQLite database (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--scan <id>', 'scan id, or "latest"', scanRef, 'latest' as ScanRef)
    .option('--flagged', 'only flagged devices')
    .option('--json', 'JSON array instead of a table')
    .addHelpText('after', '\nExamples:\n  $ camaudit devices --flagged\n  $ camaudit devices --json | jq -r \'.[] | select(.manufacturer=="hikvision") | .ip\'')
    .action(async (flags: DevicesFlags) => {
      const store = await openStore(flags.db);
      try {
        const doc = await store.exportDocument(flags.scan, { flaggedOnly: flags.flagged });
        if (!doc) throw new UsageError(flags.scan === 'latest' ? `no scans in ${flags.db} yet; run \`camaudit scan\` first` : `no scan ${flags.scan} in ${flags.db}`);
        if (flags.json) return void process.stdout.write(`${JSON.stringify(doc.devices, null, 2)}\n`);
        const rows = doc.devices.map((d) => [d.flagged ? 'FLAGGED' : '', d.ip, d.mac ?? '-', d.manufacturerName ?? d.manufacturer ?? '-', d.brand ?? '-', d.model ?? '-', d.deviceType, d.restriction?.lists.join(',') ?? '-']);
        process.stdout.write(`${renderTable(['FLAG', 'IP', 'MAC', 'MAKER', 'BRAND', 'MODEL', 'TYPE', 'LISTS'], rows)}\n`);
      } finally {
        await store.close();
      }
    });
}
