// The HTML report's per-site summary, for a fleet's inventory: at each site, how many devices, how many
// flagged, how many findings still ask something of someone. One site (or none recorded) needs no table.
import type { DeviceGroup } from '../core/types.js';
import { ACTIVE_STATUSES } from '../inventory/findings.js';

export interface SiteSummary {
  readonly site: string;
  readonly devices: number;
  readonly flagged: number;
  /** Findings open, acknowledged or under exception. */
  readonly active: number;
}

/** By site name; devices without a site are left out. */
export function summariseSites(groups: readonly DeviceGroup[]): SiteSummary[] {
  const by = new Map<string, { devices: number; flagged: number; active: number }>();
  for (const { device: d, count } of groups) {
    if (d.site === undefined) continue;
    const s = by.get(d.site) ?? { devices: 0, flagged: 0, active: 0 };
    s.devices += count;
    if (d.flagged) s.flagged += count;
    if (d.finding && ACTIVE_STATUSES.includes(d.finding.status)) s.active += count;
    by.set(d.site, s);
  }
  return [...by].map(([site, s]) => ({ site, ...s })).sort((a, b) => a.site.localeCompare(b.site));
}

export function sitesSection(groups: readonly DeviceGroup[], escape: (text: string) => string): string {
  const sites = summariseSites(groups);
  if (sites.length < 2) return '';
  const rows = sites
    .map((s) => `<tr><td>${escape(s.site)}</td><td class="num">${s.devices}</td><td class="num">${s.flagged}</td><td class="num">${s.active}</td></tr>`)
    .join('');
  return `<section id="sites"><h2>By site</h2><table id="by-site" class="counts"><thead><tr><th>site</th><th class="num">devices</th><th class="num">flagged</th><th class="num">open findings</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
