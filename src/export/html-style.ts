// The report's stylesheet, inlined into the page. System fonts only (nothing to fetch); print rules keep
// table headers on each page, rows whole, and badges legible in black and white.
export const REPORT_CSS = `
:root { --ink: #1b1f24; --muted: #5b6470; --line: #d5d9de; --flag: #b3261e; --ok: #1e6b34; --warn: #8a5a00; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 2rem auto; max-width: 1200px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--ink); padding-bottom: .2rem; }
.meta, footer { color: var(--muted); font-size: .85rem; }
footer { margin-top: 2rem; border-top: 1px solid var(--line); padding-top: .5rem; }
.lead { font-size: 1.05rem; }
.grid { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
table { border-collapse: collapse; width: 100%; }
table.counts { width: auto; min-width: 16rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.mac, .src { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85em; color: var(--muted); }
ul.cite, ul.evidence { margin: .3rem 0 0; padding-left: 1.1rem; }
.limit { color: var(--warn); font-size: .85em; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .6rem; border: 1px solid currentColor; font-size: .8rem; white-space: nowrap; }
.badge.open { color: var(--flag); } .badge.acknowledged, .badge.exception { color: var(--warn); } .badge.remediated, .badge.withdrawn { color: var(--ok); }
#trend-chart rect { fill: var(--flag); } #trend-chart rect.interrupted { fill: #d99; }
#trend-chart text { font-size: 11px; fill: var(--ink); } #trend-chart text.axis { fill: var(--muted); font-size: 10px; }
#trend-chart .baseline { stroke: var(--muted); stroke-width: 1; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 9.5pt; }
  h2 { break-after: avoid; }
  thead { display: table-header-group; }
  tr, .counts, #trend-chart { break-inside: avoid; }
  th { background: none; }
  .badge { border-width: 1.5px; }
}
`;
