// The per-site summary on its own (`export --by-site`): one row per site, for a spreadsheet or a script, as
// the HTML report's "By site" table shows it.
import { csvCell } from './csv.js';
import type { SiteSummary } from './html-sites.js';

export type SummaryFormat = 'csv' | 'json' | 'ndjson';

const CSV_HEADER = 'site,devices,flagged,open_findings';

export function siteSummaryText(sites: readonly SiteSummary[], format: SummaryFormat): string {
  const rows = sites.map((s) => ({ site: s.site, devices: s.devices, flagged: s.flagged, openFindings: s.active }));
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'ndjson') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  return [CSV_HEADER, ...rows.map((r) => [csvCell(r.site), r.devices, r.flagged, r.openFindings].join(','))].map((line) => `${line}\r\n`).join('');
}
