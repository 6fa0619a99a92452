// The human summary after `camaudit scan`: flagged devices first, then what each source did.
import type { ExportDocument, SourceRun } from '../core/types.js';
import { renderTable } from './table.js';

const dash = (v: string | null | undefined) => v ?? '-';

export function printScanSummary(doc: ExportDocument, runs: readonly SourceRun[], ms: number, out: NodeJS.WritableStream = process.stdout): void {
  const flagged = doc.devices.filter((d) => d.flagged).length;
  const lines: string[] = [];
  lines.push(`Scan ${doc.scan.id} (${doc.scan.status}) of ${doc.scan.targets.join(' ')}: ${doc.devices.length} devices, ${flagged} flagged, ${(ms / 1000).toFixed(1)} s`);
  if (doc.devices.length) {
    lines.push('');
    lines.push(
      renderTable(
        ['FLAG', 'IP', 'MAC', 'MAKER', 'BRAND', 'MODEL', 'TYPE', 'LISTS', 'BASIS', 'CONF'],
        doc.devices.map((d) => [
          d.flagged ? 'FLAGGED' : '',
          d.ip,
          dash(d.mac),
          dash(d.manufacturer),
          dash(d.brand),
          dash(d.model),
          d.deviceType,
          d.restriction ? d.restriction.lists.join(',') : '-',
          d.restriction?.basis ?? '-',
          d.restriction?.confidence ?? d.confidence ?? '-',
        ]),
        32,
      ),
    );
  }
  lines.push('');
  lines.push(
    `Sources: ${runs
      .map((r) => {
        const counts = r.counts ? ` ${Object.entries(r.counts).map(([k, v]) => `${k}:${v}`).join(' ')}` : '';
        return `${r.source} ${r.status}${counts}`;
      })
      .join(' · ')}`,
  );
  for (const r of runs) if (r.error) lines.push(`  ${r.source}: ${r.error}`);
  if (flagged) {
    const limits = new Set(doc.devices.flatMap((d) => d.restriction?.citations.map((c) => c.scopeLimit).filter((s): s is string => !!s) ?? []));
    for (const l of limits) lines.push(`Note: ${l}`);
  }
  lines.push(`Details: camaudit export --scan ${doc.scan.id} --format csv -o findings.csv`);
  out.write(`${lines.join('\n')}\n`);
}
