// `export --format html`: one self-contained page a manager can read and print. No script, no external
// resource, and a Content-Security-Policy that forbids fetching any, so the file opens offline and a hostile
// device string (every one is escaped) could not make the viewer's browser contact anything.
import type { DeviceGroup, ExportDevice, ExportDocument, FindingStatus, StoredScan } from '../core/types.js';
import { trendSvg } from './html-trend.js';
import { sitesSection } from './html-sites.js';
import { REPORT_CSS } from './html-style.js';
import { writeAll, type DeviceWriter } from './writer.js';

export interface Report {
  readonly title: string;
  readonly generatedAt: string;
  readonly document: ExportDocument;
  /** Every stored scan, any order: the trend of flagged devices. */
  readonly scans: readonly StoredScan[];
}

/** A report but its devices, which htmlWriter is given one at a time. */
export interface ReportHead extends Omit<Report, 'document'> {
  readonly scan: ExportDocument['scan'];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const e = escapeHtml;
const day = (iso: string | undefined | null): string => (iso ? e(iso.slice(0, 10)) : '–');
const cell = (v: string | null | undefined): string => `<td>${v ? e(v) : '–'}</td>`;

const STATUS_ORDER: readonly FindingStatus[] = ['open', 'acknowledged', 'exception', 'remediated', 'withdrawn'];

function countBy(items: Iterable<readonly [string, number]>): [string, number][] {
  const counts = new Map<string, number>();
  for (const [i, n] of items) counts.set(i, (counts.get(i) ?? 0) + n);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function countTable(id: string, caption: string, head: string, rows: readonly [string, number][]): string {
  const body = rows.length ? rows.map(([k, n]) => `<tr><td>${e(k)}</td><td class="num">${n}</td></tr>`).join('') : '<tr><td colspan="2">none</td></tr>';
  return `<table id="${id}" class="counts"><caption>${e(caption)}</caption><thead><tr><th>${e(head)}</th><th class="num">devices</th></tr></thead><tbody>${body}</tbody></table>`;
}

const sum = (groups: readonly DeviceGroup[]): number => groups.reduce((n, g) => n + g.count, 0);

function summary(groups: readonly DeviceGroup[]): string {
  const flagged = groups.filter((g) => g.device.flagged);
  const byList = countBy(flagged.flatMap(({ device, count }) => (device.restriction?.lists ?? []).map((l) => [l, count] as const)));
  const byEntity = countBy(flagged.map(({ device, count }) => [device.restriction!.entityName, count] as const));
  const statuses = countBy(groups.flatMap(({ device, count }) => (device.finding ? [[device.finding.status, count] as const] : [])));
  statuses.sort((a, b) => STATUS_ORDER.indexOf(a[0] as FindingStatus) - STATUS_ORDER.indexOf(b[0] as FindingStatus));
  return `<section id="summary"><h2>Summary</h2>
<p class="lead"><strong id="flagged-count">${sum(flagged)}</strong> of <strong id="device-count">${sum(groups)}</strong> devices are made by an entity on a restriction list.</p>
<div class="grid">${countTable('by-list', 'Flagged devices by list', 'list', byList)}${countTable('by-entity', 'Flagged devices by entity', 'entity', byEntity)}${countTable('by-status', 'Findings by status', 'status', statuses)}</div></section>`;
}

function citations(d: ExportDevice): string {
  const r = d.restriction!;
  return `<ul class="cite">${r.citations
    .map((c) => `<li><strong>${e(c.id)}</strong> ${e(c.row)}: ${e(c.citation)}${c.scopeLimit ? `<br><span class="limit">Scope limit: ${e(c.scopeLimit)}</span>` : ''}</li>`)
    .join('')}</ul>`;
}

function flaggedRow(d: ExportDevice): string {
  const r = d.restriction!;
  const f = d.finding;
  const maker = d.manufacturerName ?? d.manufacturer;
  return `<tr class="device"><td class="ip">${e(d.ip)}<br><span class="mac">${e(d.mac ?? 'no MAC')}</span></td>${cell(maker)}${cell(d.model)}${cell(d.firmware)}${cell(d.serial)}
<td><strong>${e(r.entityName)}</strong> (${e(r.basis)}, ${e(r.confidence)} confidence)${citations(d)}</td>
<td><ul class="evidence">${d.evidence.map((x) => `<li><span class="src">${e(x.source)}</span> ${e(x.detail)}</li>`).join('')}</ul></td>
<td class="status">${f ? `<span class="badge ${e(f.status)}">${e(f.status)}</span>${f.owner ? `<br>${e(f.owner)}` : ''}` : '–'}</td>
<td>${day(d.firstSeen)}<br>${day(d.lastSeen)}</td></tr>`;
}

function exceptionsSection(exceptions: readonly ExportDevice[]): string {
  const rows = [...exceptions]
    .sort((a, b) => (a.finding!.expiresAt ?? '').localeCompare(b.finding!.expiresAt ?? ''))
    .map((d) => {
      const f = d.finding!;
      return `<tr>${cell(d.ip)}${cell(d.manufacturerName ?? d.manufacturer)}${cell(d.model)}${cell(f.reason)}${cell(f.owner)}<td class="expires">${day(f.expiresAt)}</td></tr>`;
    });
  return `<section id="exceptions"><h2>Exceptions</h2>${
    rows.length ? `<table><thead><tr><th>IP</th><th>Maker</th><th>Model</th><th>Reason</th><th>Owner</th><th>Expires</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p>No exception is in force.</p>'
  }</section>`;
}

export function toHtml(report: Report): string {
  const { document, ...head } = report;
  return writeAll(htmlWriter({ ...head, scan: document.scan }, document.devices.map((device) => ({ device, count: 1 }))), document.devices);
}

/**
 * The report a device at a time. Its counts come first, so they are taken from `groups`: the devices to come,
 * counted (Store.deviceGroups). Flagged devices are written as they come; exceptions, few, are kept for the end.
 */
export function htmlWriter(report: ReportHead, groups: readonly DeviceGroup[]): DeviceWriter {
  const { scan } = report;
  const flagged = sum(groups.filter((g) => g.device.flagged));
  const exceptionCount = sum(groups.filter((g) => g.device.finding?.status === 'exception'));
  const exceptions: ExportDevice[] = [];
  let flaggedSeen = 0;
  return {
    head: `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(report.title)}</title><style>${REPORT_CSS}</style></head>
<body><header><h1>${e(report.title)}</h1>
<p class="meta">Generated ${e(shortUtc(report.generatedAt))} UTC · latest scan ${scan.id} (${e(scan.status)}) of ${e(scan.targets.join(' '))} at ${e(shortUtc(scan.startedAt))} UTC</p></header>
${summary(groups)}
${sitesSection(groups, e)}
<section id="trend"><h2>Flagged devices over the scans</h2>${trendSvg(report.scans)}</section>
<section id="flagged"><h2>Flagged devices</h2>${
      flagged
        ? '<table><thead><tr><th>IP / MAC</th><th>Maker</th><th>Model</th><th>Firmware</th><th>Serial</th><th>Restriction and legal citation</th><th>Evidence</th><th>Status</th><th>First / last seen</th></tr></thead><tbody>'
        : '<p>No device is flagged.</p>'
    }`,
    device(d) {
      if (d.finding?.status === 'exception') exceptions.push(d);
      if (!d.flagged) return '';
      flaggedSeen++;
      return flaggedRow(d);
    },
    // The devices come flagged first, and exceptions are few: most of a large inventory need not be read at all.
    done: () => flaggedSeen >= flagged && exceptions.length >= exceptionCount,
    tail: () => `${flagged ? '</tbody></table>' : ''}</section>
${exceptionsSection(exceptions)}
<footer>camaudit · each flag names the list, its legal citation and any scope limit; evidence is what the device itself said on the network.</footer>
</body></html>
`,
  };
}

function shortUtc(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}
