// The report's trend: flagged devices per scan as an inline SVG bar chart (no script, no library), oldest
// scan on the left. Only the latest scans fit; the table of scans is `camaudit scans`.
import type { StoredScan } from '../core/types.js';

const MAX_BARS = 30;
const BAR = 24;
const GAP = 8;
const HEIGHT = 120;
const TOP = 18; // room for the count above the tallest bar
const BOTTOM = 34; // room for the scan id and date below

export function trendSvg(scans: readonly StoredScan[]): string {
  const shown = [...scans].sort((a, b) => a.id - b.id).slice(-MAX_BARS);
  if (shown.length === 0) return '<p>No scans yet.</p>';
  const max = Math.max(1, ...shown.map((s) => s.flaggedCount));
  const width = shown.length * (BAR + GAP) + GAP;
  const bars = shown.map((s, i) => {
    const h = Math.round((s.flaggedCount / max) * HEIGHT);
    const x = GAP + i * (BAR + GAP);
    const y = TOP + HEIGHT - h;
    const mid = x + BAR / 2;
    const date = s.startedAt.slice(5, 10);
    return `<g class="bar" data-scan="${s.id}" data-flagged="${s.flaggedCount}"><title>Scan ${s.id}, ${s.startedAt.slice(0, 10)}: ${s.flaggedCount} flagged of ${s.deviceCount} devices${s.status === 'interrupted' ? ' (interrupted)' : ''}</title>
<rect x="${x}" y="${y}" width="${BAR}" height="${Math.max(h, 1)}"${s.status === 'interrupted' ? ' class="interrupted"' : ''}/>
<text x="${mid}" y="${y - 4}" text-anchor="middle">${s.flaggedCount}</text>
<text x="${mid}" y="${TOP + HEIGHT + 13}" text-anchor="middle" class="axis">#${s.id}</text>
<text x="${mid}" y="${TOP + HEIGHT + 26}" text-anchor="middle" class="axis">${date}</text></g>`;
  });
  const label = `Flagged devices in the last ${shown.length} scans: ${shown.map((s) => s.flaggedCount).join(', ')}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" id="trend-chart" role="img" aria-label="${label}" width="${width}" height="${TOP + HEIGHT + BOTTOM}" viewBox="0 0 ${width} ${TOP + HEIGHT + BOTTOM}">
<line x1="0" y1="${TOP + HEIGHT}" x2="${width}" y2="${TOP + HEIGHT}" class="baseline"/>${bars.join('')}</svg>`;
}
