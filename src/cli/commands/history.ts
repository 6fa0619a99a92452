// `camaudit history DEVICE`: one device of the inventory across scans: when it was seen, what changed
// (IP, firmware, attribution, flag), and every change to its finding.
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { AssetRecord } from '../../inventory/types.js';
import { orderDevice } from '../../export/json.js';
import { openInventory, shortTime } from '../inventory.js';
import { defaultDbPath } from '../options.js';
import { renderTable } from '../table.js';

function text(a: AssetRecord): string {
  const d = a.device;
  const lines = [
    `Device ${d.assetId} (${a.identity}): ${d.ip} ${d.mac ?? 'no MAC'} · ${d.manufacturer ?? 'unknown maker'} ${d.model ?? ''}`.trimEnd(),
    `First seen ${shortTime(d.firstSeen)} · last seen ${shortTime(d.lastSeen)} · in ${a.sightings.length} scans (${a.sightings.map((s) => s.scanId).join(', ')})`,
  ];
  if (d.restriction) lines.push(`Flagged: ${d.restriction.entityName} on ${d.restriction.lists.join(', ')} (${d.restriction.basis}, ${d.restriction.confidence})`);
  lines.push('', 'Changes:');
  lines.push(
    a.history.length
      ? renderTable(['WHEN (UTC)', 'BY', 'FIELD', 'FROM', 'TO'], a.history.map((h) => [shortTime(h.at), h.scanId === null ? 're-evaluation' : `scan ${h.scanId}`, h.field, h.from ?? '-', h.to ?? '-']), 48)
      : '  none',
  );
  if (a.finding) {
    const f = a.finding;
    lines.push('', `Finding ${f.id}: ${f.status}${f.owner ? `, owner ${f.owner}` : ''}${f.expiresAt ? `, exception until ${f.expiresAt}` : ''}`);
    lines.push(
      renderTable(
        ['WHEN (UTC)', 'WHO', 'FIELD', 'FROM', 'TO', 'WHY'],
        f.history.map((h) => [shortTime(h.at), h.actor ?? (h.scanId === null ? 'camaudit' : `camaudit (scan ${h.scanId})`), h.field, h.oldValue ?? '-', h.newValue ?? '-', h.why ?? '']),
        48,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function registerHistory(program: Command): void {
  program
    .command('history')
    .summary('one device across scans: first and last seen, IP, firmware and attribution changes, finding history')
    .argument('<DEVICE>', 'an inventory id (the ID column of `camaudit devices`), an IP address or a MAC')
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--json', 'JSON instead of text')
    .addHelpText('after', `
Examples:
  $ camaudit history 198.18.0.11
  $ camaudit history 28:57:be:aa:bb:01 --json | jq '.history'`)
    .action(async (ref: string, flags: { db: string; json?: boolean }) => {
      const store = await openInventory(flags.db);
      try {
        const ids = await store.findAssets(ref);
        if (ids.length === 0) throw new UsageError(`no device ${JSON.stringify(ref)} in the inventory; see \`camaudit devices\``);
        if (ids.length > 1) throw new UsageError(`${JSON.stringify(ref)} matches devices ${ids.join(', ')}; give the inventory id`);
        const a = (await store.asset(ids[0]!))!;
        if (flags.json) return void process.stdout.write(`${JSON.stringify({ ...a, device: orderDevice(a.device) }, null, 2)}\n`);
        process.stdout.write(text(a));
      } finally {
        await store.close();
      }
    });
}
