// `camaudit export` and `devices --json/--ndjson` read their devices from the store while writing them: their
// output must be, byte for byte, what the whole-document functions write from exportDocument()/inventory()
// filtered in memory, for every format, filter and backend.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import type { ExportDocument, ScanResult } from '../../src/core/types.js';
import { toCsv } from '../../src/export/csv.js';
import { toHtml } from '../../src/export/html.js';
import { ndjsonWriter, orderDevice, toJson } from '../../src/export/json.js';
import { writeAll } from '../../src/export/writer.js';
import { deviceMatches, type DeviceFilter } from '../../src/inventory/filter.js';
import type { Store } from '../../src/store/store.js';
import { useBackends } from '../store/backends.js';
import { aJudgedDevice, aScanResult, axisCamera, entityNames, hikvisionCamera, routedHost } from '../store/builders.js';
import { useTempDir } from '../store/temp.js';

const newDir = useTempDir();
const backends = useBackends(newDir);
afterEach(() => void vi.restoreAllMocks());

const at = (site: string, day: string, devices: ScanResult['devices']): ScanResult => {
  const startedAt = `2026-12-${day}T09:00:00.000Z`;
  return aScanResult({ devices, scan: { ...aScanResult().scan, startedAt, finishedAt: startedAt.replace(':00:00', ':00:42'), site } });
};
// Enough quiet hosts to cross PostgreSQL's cursor batches (1,000 rows) more than once.
const crowd = (n: number) => Array.from({ length: n }, (_, i) => aJudgedDevice({ ip: `198.18.${10 + (i >> 8)}.${i & 255}` }));

/** Two sites over three scans: a camera moved, one remediated, one under exception; a hostile model string. */
async function fleet(store: Store): Promise<void> {
  await store.saveScan(at('lyon', '01', [hikvisionCamera(), axisCamera(), routedHost()]));
  await store.saveScan(at('berlin', '03', [hikvisionCamera({ attribution: { model: '=cmd|x "q",\nline' } }), axisCamera(), ...crowd(2300)]));
  await store.saveScan(at('lyon', '08', [hikvisionCamera({ ip: '198.18.0.40', attribution: { firmware: 'V5.7.15 build 230316' } }), routedHost()]));
  const [berlin, lyon] = [...(await store.findings())].sort((a, b) => (a.device.site ?? '').localeCompare(b.device.site ?? ''));
  await store.changeFinding(berlin!.id, { status: 'exception', owner: 'facilities', note: 'lobby (FAC-118)', expires: '2027-01-31' }, 'ada');
  await store.changeFinding(lyon!.id, { status: 'remediated', note: 'replaced' }, 'ada');
}

const CASES: { flags: string[]; filter: DeviceFilter; scan?: number | 'latest' }[] = [
  { flags: [], filter: {} },
  { flags: ['--flagged'], filter: { flagged: true } },
  { flags: ['--entity', 'HIKVISION'], filter: { entity: 'HIKVISION' } },
  { flags: ['--type', 'camera'], filter: { type: 'camera' } },
  { flags: ['--since', '2026-12-05'], filter: { since: '2026-12-05T00:00:00.000Z' } },
  { flags: ['--site', 'berlin'], filter: { site: 'berlin' } },
  { flags: ['--site', 'nowhere'], filter: { site: 'nowhere' } },
  { flags: ['--scan', '2'], filter: {}, scan: 2 },
  { flags: ['--scan', 'latest', '--flagged'], filter: { flagged: true }, scan: 'latest' },
];

/** What the whole-document path writes: the scan's header and its (or the inventory's) devices, filtered in memory. */
async function wholeDocument(store: Store, c: (typeof CASES)[number]): Promise<ExportDocument> {
  const doc = (await store.exportDocument(c.scan ?? 'latest'))!;
  const devices = c.scan === undefined ? await store.inventory() : doc.devices;
  return { scan: doc.scan, devices: devices.filter(deviceMatches(c.filter)) };
}

async function stdoutOf(args: string[]): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  try {
    await (await buildProgram()).parseAsync(['node', 'camaudit', ...args]);
  } finally {
    vi.mocked(process.stdout.write).mockRestore();
  }
  return out;
}

const undated = (html: string): string => html.replace(/Generated [\d-]+ [\d:]+ UTC/, 'Generated <now> UTC');

describe.each(backends)('streamed exports on $name', (backend) => {
  it('write what the whole-document functions write, for every format and filter', async () => {
    const db = backend.location();
    const store = await backend.openAt(db, { names: entityNames });
    await fleet(store);
    const expected: { args: string[]; text: string }[] = [];
    for (const c of CASES) {
      const doc = await wholeDocument(store, c);
      const scans = await store.listScans();
      expect(doc.devices.length, `${c.flags.join(' ')} selects nothing: a weak case`).toBeGreaterThan(c.filter.site === 'nowhere' ? -1 : 0);
      const html = toHtml({ title: 'Restricted-vendor device audit', generatedAt: '2026-12-16T10:00:00.000Z', document: doc, scans });
      expected.push(
        { args: ['export', '--format', 'json', ...c.flags], text: toJson(doc) },
        { args: ['export', '--format', 'ndjson', ...c.flags], text: writeAll(ndjsonWriter(), doc.devices) },
        { args: ['export', '--format', 'csv', ...c.flags], text: toCsv(doc) },
        { args: ['export', '--format', 'html', ...c.flags], text: undated(html) },
        { args: ['devices', '--json', ...c.flags], text: `${JSON.stringify(doc.devices.map(orderDevice), null, 2)}\n` },
        { args: ['devices', '--ndjson', ...c.flags], text: writeAll(ndjsonWriter(), doc.devices) },
      );
    }
    await store.close();
    for (const { args, text } of expected) {
      const out = await stdoutOf([...args, '--db', db]);
      expect(args.includes('html') ? undated(out) : out, args.join(' ')).toBe(text);
    }
  }, 180_000); // 54 runs of the CLI, each opening the database

  it('streams in the order of exportDocument and inventory(), and frees the store when abandoned', async () => {
    const store = await backend.open({ names: entityNames });
    await fleet(store);
    const all = async (it: AsyncIterable<unknown>) => {
      const out: unknown[] = [];
      for await (const d of it) out.push(d);
      return out;
    };
    expect(await all(store.deviceStream('inventory'))).toEqual(await store.inventory());
    expect(await all(store.deviceStream(2))).toEqual((await store.exportDocument(2))!.devices);
    for await (const d of store.deviceStream('inventory')) if (d) break;
    expect((await store.listScans()).map((s) => s.id)).toEqual([3, 2, 1]);
  });

  it('counts devices in groups that add up to the devices read', async () => {
    const store = await backend.open({ names: entityNames });
    await fleet(store);
    const groups = await store.deviceGroups('inventory');
    expect(groups.length).toBeLessThan(20);
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe((await store.inventory()).length);
    expect(groups.filter((g) => g.device.finding?.status === 'exception').map((g) => [g.device.site, g.count])).toEqual([['berlin', 1]]);
  });
});

describe('export -o', () => {
  it('writes the file and says how many devices it holds; an unwritable path is a usage error', async () => {
    const dir = newDir();
    const db = `${dir}/camaudit.db`;
    const store = await backends[0]!.openAt(db, { names: entityNames });
    await fleet(store);
    const flagged = (await store.inventory()).filter((d) => d.flagged).length;
    await store.close();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    for (const format of ['csv', 'html']) {
      await (await buildProgram()).parseAsync(['node', 'camaudit', 'export', '--db', db, '--flagged', '--format', format, '-o', `${dir}/out.${format}`]);
      expect(stderr).toHaveBeenLastCalledWith(`camaudit: wrote ${flagged} devices of the inventory to ${dir}/out.${format}\n`);
    }
    expect(readFileSync(`${dir}/out.csv`, 'utf8').split('\r\n')).toHaveLength(flagged + 2);
    await expect((await buildProgram()).parseAsync(['node', 'camaudit', 'export', '--db', db, '-o', `${dir}/missing/out.json`])).rejects.toThrow(
      `cannot write "${dir}/missing/out.json": ENOENT`,
    );
  });
});
