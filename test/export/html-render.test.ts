// The HTML report rendered by headless Chromium (Debian's `chromium`, installed by .ci/run): what a manager
// sees on screen and on paper, and proof that opening it fetches nothing, even with hostile device strings.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JudgedDevice } from '../../src/core/types.js';
import { toHtml } from '../../src/export/html.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { aScanResult, axisCamera, entityNames, hikvisionCamera, routedHost } from '../store/builders.js';
import { useTempDir } from '../store/temp.js';
import { chromiumPath, launchChromium, type Browser, type Page } from './chromium.js';

const newDir = useTempDir();

// A device that tries to get markup, a script and a remote image into the report.
const HOSTILE = '<img src="http://198.18.0.99/x.png"><script>fetch("http://198.18.0.99/")</script>';
const hostileHikvision = (): JudgedDevice =>
  hikvisionCamera({
    ip: '198.18.0.21',
    mac: '28:57:be:aa:bb:21',
    attribution: { model: HOSTILE, serial: 'DS-2CD2143G2-I20220301AAWRJ99999999', evidence: [{ source: 'onvif', detail: `GetDeviceInformation Model "${HOSTILE}"` }] },
  });

/** Three weeks: 2 flagged, then the hostile one appears (3), then the first camera is gone (2), with an exception granted. */
async function reportHtml(): Promise<string> {
  const store = await openSqliteStore(':memory:', { names: entityNames, now: () => new Date('2026-12-16T10:00:00.000Z') });
  try {
    const week = (day: string) => ({ ...aScanResult().scan, startedAt: `2026-12-${day}T09:00:00.000Z`, finishedAt: `2026-12-${day}T09:00:42.000Z` });
    const dahuaLike = hikvisionCamera({ ip: '198.18.0.30', mac: '28:57:be:aa:bb:30', attribution: { serial: 'DS-OTHER-0000000030' } });
    await store.saveScan(aScanResult({ scan: week('01'), devices: [hikvisionCamera(), dahuaLike, axisCamera(), routedHost()] }));
    await store.saveScan(aScanResult({ scan: week('08'), devices: [hikvisionCamera(), dahuaLike, hostileHikvision(), axisCamera(), routedHost()] }));
    await store.saveScan(aScanResult({ scan: week('15'), devices: [dahuaLike, hostileHikvision(), axisCamera(), routedHost()] }));
    const exceptionFor = (await store.findings()).find((f) => f.device.ip === '198.18.0.30')!;
    await store.changeFinding(exceptionFor.id, { status: 'exception', owner: 'facilities', note: 'PTZ over the loading dock, swap booked', expires: '2027-01-31' }, 'ada');
    const doc = (await store.exportDocument('latest'))!;
    return toHtml({ title: 'Restricted-vendor device audit', generatedAt: '2026-12-16T10:00:00.000Z', document: { scan: doc.scan, devices: await store.inventory() }, scans: await store.listScans() });
  } finally {
    await store.close();
  }
}

let browser: Browser;
let page: Page;
let url: string;

beforeAll(async () => {
  const path = chromiumPath();
  if (!path) throw new Error('headless Chromium is needed for this test: apt-get install chromium (.ci/run does)');
  const file = join(newDir(), 'audit.html');
  writeFileSync(file, await reportHtml());
  url = pathToFileURL(file).href;
  browser = await launchChromium(path);
  page = await browser.open(url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

const text = (selector: string): Promise<string> => page.evaluate<string>(`document.querySelector(${JSON.stringify(selector)})?.innerText ?? ''`);
const rows = (selector: string): Promise<string[][]> =>
  page.evaluate<string[][]>(`[...document.querySelectorAll(${JSON.stringify(`${selector} tbody tr`)})].map((tr) => [...tr.cells].map((td) => td.innerText.trim()))`);

describe('the HTML report, rendered by Chromium', () => {
  it('is one self-contained file: the page requests nothing but itself', () => {
    expect(page.requests).toEqual([url]);
  });

  it('shows the hostile device strings as text, never as markup', async () => {
    expect(await page.evaluate<number>('document.querySelectorAll("script, img, iframe, link, object").length')).toBe(0);
    expect(await text('#flagged')).toContain(HOSTILE);
  });

  it('summarises by list, entity and finding status', async () => {
    expect(await text('#flagged-count')).toBe('3');
    expect(await text('#device-count')).toBe('5');
    expect(await rows('#by-list')).toEqual([
      ['us-fcc-covered-list', '3'],
      ['us-ndaa-fy2019-sec889', '3'],
    ]);
    expect(await rows('#by-entity')).toEqual([['Hangzhou Hikvision Digital Technology Co., Ltd.', '3']]);
    expect(await rows('#by-status')).toEqual([
      ['open', '1'],
      ['exception', '1'],
      ['remediated', '1'],
    ]);
  });

  it('draws the trend of flagged devices as bars scaled to the counts', async () => {
    const bars = await page.evaluate<{ scan: string; flagged: string; height: number }[]>(
      `[...document.querySelectorAll('#trend-chart g.bar')].map((g) => ({ scan: g.dataset.scan, flagged: g.dataset.flagged, height: g.querySelector('rect').getBBox().height }))`,
    );
    expect(bars.map((b) => [b.scan, b.flagged])).toEqual([['1', '2'], ['2', '3'], ['3', '2']]);
    expect(bars[1]!.height).toBeGreaterThan(bars[0]!.height);
    expect(bars[0]!.height / bars[1]!.height).toBeCloseTo(2 / 3, 1);
    const box = await page.evaluate<{ width: number; height: number }>(`(() => { const r = document.querySelector('#trend-chart').getBoundingClientRect(); return { width: r.width, height: r.height }; })()`);
    expect(box.width).toBeGreaterThan(50);
    expect(box.height).toBeGreaterThan(100);
  });

  it('lists each flagged device with its evidence and legal citation, gone ones included as remediated', async () => {
    const flagged = await rows('#flagged');
    expect(flagged.map((r) => r[0]!.split('\n')[0])).toEqual(['198.18.0.10', '198.18.0.21', '198.18.0.30']);
    const gone = flagged[0]!;
    expect(gone[5]).toMatch(/us-fcc-covered-list row 4: 47 CFR 1\.50002; Secure Networks Act, 47 U\.S\.C\. 1601/);
    expect(gone[5]).toMatch(/Scope limit: For the purpose of public safety/);
    expect(gone[6]).toMatch(/OUI 28:57:BE is registered to "Hangzhou Hikvision Digital Technology Co\.,Ltd\."/);
    expect(gone[7]).toBe('remediated');
    expect(gone[8]).toBe('2026-12-01\n2026-12-08');
  });

  it('lists the exceptions with reason, owner and expiry', async () => {
    expect(await rows('#exceptions')).toEqual([['198.18.0.30', 'Hangzhou Hikvision Digital Technology Co., Ltd.', 'DS-2CD2143G2-I', 'PTZ over the loading dock, swap booked', 'facilities', '2027-01-31']]);
  });

  it('prints on landscape A4 with table headers repeated on each page', async () => {
    await page.setMedia('print');
    expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('#flagged thead')).display`)).toBe('table-header-group');
    expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('#flagged tbody tr')).breakInside`)).toBe('avoid');
    const pdf = await page.printToPdf();
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
    expect(box).not.toBeNull();
    expect(Number(box![1])).toBeCloseTo(841.9, 0); // A4 landscape in points
    expect(Number(box![2])).toBeCloseTo(595.3, 0);
    await page.setMedia('screen');
  });
});
