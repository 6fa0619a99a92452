// The report's per-site summary, from a fleet inventory saved at two sites: counted, rendered, and drawn by
// headless Chromium (Debian's `chromium`, installed by .ci/run) as a manager would see it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/types.js';
import { toHtml } from '../../src/export/html.js';
import { summariseSites } from '../../src/export/html-sites.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { aScanResult, axisCamera, entityNames, hikvisionCamera, routedHost } from '../store/builders.js';
import { useTempDir } from '../store/temp.js';
import { chromiumPath, launchChromium } from './chromium.js';

const newDir = useTempDir();

const at = (site: string, devices: ScanResult['devices']): ScanResult => aScanResult({ devices, scan: { ...aScanResult().scan, site } });

async function fleet() {
  const store = await openSqliteStore(':memory:', { names: entityNames, now: () => new Date('2026-12-16T10:00:00.000Z') });
  try {
    await store.saveScan(at('lyon', [hikvisionCamera(), axisCamera()]));
    await store.saveScan(at('berlin <main>', [hikvisionCamera(), axisCamera(), routedHost()]));
    const [lyon] = (await store.findings()).filter((f) => f.device.site === 'lyon');
    await store.changeFinding(lyon!.id, { status: 'remediated', note: 'replaced' }, 'ada');
    const doc = (await store.exportDocument('latest'))!;
    return { devices: await store.inventory(), groups: await store.deviceGroups('inventory'), doc, scans: await store.listScans() };
  } finally {
    await store.close();
  }
}

describe('HTML report: per-site summary', () => {
  it('counts devices, flags and findings still open at each site', async () => {
    const { groups } = await fleet();
    expect(summariseSites(groups)).toEqual([
      { site: 'berlin <main>', devices: 3, flagged: 1, active: 1 },
      { site: 'lyon', devices: 2, flagged: 1, active: 0 },
    ]);
  });

  it('renders them as a table, names escaped; a single-site inventory has none', async () => {
    const { devices, doc, scans } = await fleet();
    const html = toHtml({ title: 'Fleet audit', generatedAt: '2026-12-16T10:00:00.000Z', document: { scan: doc.scan, devices }, scans });
    const table = /<table id="by-site"[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    const rows = [...table.matchAll(/<tr><td>(.*?)<\/td><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td><\/tr>/g)].map((m) => m.slice(1));
    expect(rows).toEqual([
      ['berlin &#60;main&#62;', '3', '1', '1'],
      ['lyon', '2', '1', '0'],
    ]);
    const oneSite = toHtml({ title: 'x', generatedAt: '2026-12-16T10:00:00.000Z', document: { scan: doc.scan, devices: devices.filter((d) => d.site === 'lyon') }, scans });
    expect(oneSite).not.toContain('id="sites"');
  });

  it('shows the table on screen in Chromium, in the sites\' order, with the names as text', async () => {
    const path = chromiumPath();
    if (!path) throw new Error('headless Chromium is needed for this test: apt-get install chromium (.ci/run does)');
    const { devices, doc, scans } = await fleet();
    const file = join(newDir(), 'fleet.html');
    writeFileSync(file, toHtml({ title: 'Fleet audit', generatedAt: '2026-12-16T10:00:00.000Z', document: { scan: doc.scan, devices }, scans }));
    const browser = await launchChromium(path);
    try {
      const page = await browser.open(pathToFileURL(file).href);
      const shown = await page.evaluate<{ heading: string; height: number; rows: string[][] }>(`(() => {
        const section = document.querySelector('#sites');
        return {
          heading: section.querySelector('h2').innerText,
          height: section.getBoundingClientRect().height,
          rows: [...section.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].map((td) => td.innerText.trim())),
        };
      })()`);
      expect(shown.heading).toBe('By site');
      expect(shown.height).toBeGreaterThan(40);
      expect(shown.rows).toEqual([
        ['berlin <main>', '3', '1', '1'],
        ['lyon', '2', '1', '0'],
      ]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
