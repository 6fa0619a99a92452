// `camaudit explain <ip|mac>`: why a stored device was attributed and flagged, from the evidence saved
// with the scan (each observation and the fingerprint that matched it, the registry entry, conflicts)
// to the list rows and their legal citations. Reads the database only.
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { normalizeMac } from '../../core/mac.js';
import { parseIpv4 } from '../../core/targets.js';
import type { ExportDevice, ExportDocument, RowEffect } from '../../core/types.js';
import type { ScanRef } from '../../store/store.js';
import { defaultDbPath } from '../options.js';
import { openStore } from '../store.js';
import { scanRef } from './export.js';

interface ExplainFlags {
  db: string;
  scan: ScanRef;
  json?: boolean;
}

type Key = { ip: string } | { mac: string };

function deviceKey(value: string): Key {
  if (parseIpv4(value) !== null) return { ip: value };
  const mac = normalizeMac(value);
  if (mac) return { mac };
  throw new UsageError(`invalid device ${JSON.stringify(value)}: expected an IPv4 address or a MAC address`);
}

const name = (id: string | null, display: string | null) => (id ? (display && display !== id ? `${id} (${display})` : id) : 'unknown');

export function renderExplanation(doc: ExportDocument, d: ExportDevice): string {
  const r = d.restriction;
  const lines = [
    `${d.ip}  ${d.mac ?? 'no MAC'}${d.macSource ? ` (from ${d.macSource})` : ''}  · scan ${doc.scan.id} of ${doc.scan.targets.join(' ')}, ${doc.scan.startedAt}`,
    r
      ? `Verdict: FLAGGED: ${name(r.entity, r.entityName)} is on ${r.lists.join(', ')}; basis ${r.basis}, confidence ${r.confidence}`
      : d.decidedBy
        ? `Verdict: not flagged: ${d.decidedBy.rules.map((x) => `${x.rule} (${x.at})`).join(', ')} set aside the list rows below`
        : `Verdict: not flagged${d.manufacturer ? `: ${d.manufacturer} is on none of the lists applied to this scan` : ': the maker could not be identified'}`,
    '',
    `Attribution (confidence ${d.confidence ?? 'none'}):`,
    `  maker     ${name(d.manufacturer, d.manufacturerName)}`,
    `  brand     ${name(d.brand, d.brandName)}`,
    `  model     ${d.model ?? '-'}`,
    `  firmware  ${d.firmware ?? '-'}`,
    `  serial    ${d.serial ?? '-'}`,
    `  type      ${d.deviceType}`,
    `  registry  ${d.ouiVendor ?? (d.mac ? 'no registered vendor (locally administered or unassigned)' : '-')}`,
    '',
    'Evidence (observation → fields, fingerprint, certainty):',
    ...(d.evidence.length ? d.evidence.map((e) => `  [${e.source}] ${e.detail}`) : ['  none: the host answered discovery only']),
  ];
  if (d.conflicts.length) lines.push('', 'Conflicts:', ...d.conflicts.map((c) => `  ${c}`));
  if (r) {
    lines.push('', 'Lists:');
    for (const c of r.citations) {
      lines.push(`  ${c.id}, ${c.row}`, `    citation: ${c.citation}`);
      if (c.scopeLimit) lines.push(`    scope limit: ${c.scopeLimit}`);
    }
  }
  if (d.decidedBy) {
    lines.push(
      '',
      'Decided by:',
      ...d.decidedBy.rules.map((x) => `  ${x.rule} (${x.at}): ${x.text}`),
      ...d.decidedBy.rows.map((x) => `  ${x.list}, ${x.row}: ${ROW_EFFECT[x.effect]}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

const ROW_EFFECT: Readonly<Record<RowEffect, string>> = {
  flags: 'flags this device',
  'not-chosen': 'would flag it, but the list was not chosen',
  'out-of-scope': 'would flag it, but the policy puts this organisation outside the row\'s scope limit',
  excepted: 'would flag it, but an exception covers the device',
};

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .summary('show why a device was attributed and flagged')
    .description('Show, for one device of a stored scan, every piece of evidence, the fingerprint each matched, the attribution and the list rows with their citations.')
    .argument('<device>', 'IPv4 or MAC address of the device')
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--scan <id>', 'scan id, or "latest"', scanRef, 'latest' as ScanRef)
    .option('--json', 'print the device record as JSON')
    .addHelpText('after', '\nExamples:\n  $ camaudit explain 192.168.1.64\n  $ camaudit explain 28:57:be:aa:bb:01 --scan 12\n')
    .action(async (value: string, flags: ExplainFlags) => {
      const key = deviceKey(value);
      const store = await openStore(flags.db);
      try {
        const doc = await store.exportDocument(flags.scan, {});
        if (!doc) throw new UsageError(flags.scan === 'latest' ? `no scans in ${flags.db} yet; run \`camaudit scan\` first` : `no scan ${flags.scan} in ${flags.db}`);
        const device = doc.devices.find((d) => ('ip' in key ? d.ip === key.ip : d.mac === key.mac));
        if (!device) throw new UsageError(`no device ${value} in scan ${doc.scan.id}`);
        process.stdout.write(flags.json ? `${JSON.stringify(device, null, 2)}\n` : renderExplanation(doc, device));
      } finally {
        await store.close();
      }
    });
}
