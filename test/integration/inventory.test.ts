// Three weekly scans of one segment of the namespace lab, into one database, with the built CLI: between
// weeks 1 and 2 the Dahua camera is removed, a ZTE device is added and the Hikvision camera's firmware is
// updated; in week 3 the Dahua camera is back and the ZTE device gone. Checked: `scans`, `diff`, the findings
// transitions (automatic and by hand), `history`, `devices` filters and the exports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportDevice } from '../../src/core/types.js';
import type { FieldChange } from '../../src/inventory/changes.js';
import type { AssetRecord, FindingRecord, Reevaluated } from '../../src/inventory/types.js';
import { listNamespaces, startLab, type Lab } from '../../src/lab/netns.js';
import { defaultLab, type DeviceProfile, type LabTopology } from '../../src/lab/topology.js';
import { cliInLab, requireRoot, tempDir } from './lab-cli.js';

const TARGET = '198.18.0.0/24';
const OLD_FIRMWARE = 'V5.6.2 build 190701';
const NEW_FIRMWARE = 'V5.7.3 build 230911';

function withFirmware(d: DeviceProfile, firmwareVersion: string): DeviceProfile {
  const onvif = d.services.onvif!;
  return { ...d, services: { ...d.services, onvif: { ...onvif, deviceInformation: { ...onvif.deviceInformation, firmwareVersion } } } };
}

/** Segment A of the default lab with only the named devices (no router, so nothing beyond the target). */
function week(name: string, devices: readonly string[], hikFirmware = OLD_FIRMWARE): LabTopology {
  const t = defaultLab();
  const segment = t.segments.find((s) => s.id === t.scanner.segment)!;
  const chosen = t.devices.filter((d) => devices.includes(d.name)).map((d) => (d.name === 'hik-onvif' ? withFirmware(d, hikFirmware) : d));
  expect(chosen.map((d) => d.name).sort()).toEqual([...devices].sort());
  return { name, segments: [segment], scanner: { ...t.scanner, routes: [] }, routers: [], devices: chosen };
}

const tmp = tempDir();
const db = join(tmp.dir, 'inventory.db');
const prefixes: string[] = [];

/** Starts the week's lab, runs the commands in its scanner namespace, and always tears it down. */
async function inLab<T>(topology: LabTopology, fn: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await startLab(topology);
  prefixes.push(lab.prefix);
  try {
    return await fn(lab);
  } finally {
    await lab.stop();
  }
}

async function cli(lab: Lab, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return cliInLab(lab, [...args, '--db', db]);
}

async function json<T>(lab: Lab, args: readonly string[]): Promise<T> {
  const r = await cli(lab, [...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

interface DiffJson {
  from: { id: number };
  to: { id: number };
  added: ExportDevice[];
  gone: ExportDevice[];
  changed: { device: ExportDevice; changes: FieldChange[] }[];
}

const WEEK_1 = ['hik-onvif', 'dahua-onvif', 'axis-onvif', 'huawei-silent'];
const WEEK_2 = ['hik-onvif', 'axis-onvif', 'huawei-silent', 'zte-silent'];

let diff12: DiffJson;
let diff23: DiffJson;
let findings2: FindingRecord[];
let findings3: FindingRecord[];
interface ScanJson {
  id: number;
  startedAt: string;
  status: string;
  targets: string[];
  flagged: number;
}

let scans: ScanJson[];
let setResult: { code: number | null; stdout: string; stderr: string };
let refused: { code: number | null; stdout: string; stderr: string };
let history: AssetRecord;
let csv: string;
let html: string;
let recent: ExportDevice[];
let narrowed: Reevaluated[];
let restored: Reevaluated[];
let afterReevaluation: FindingRecord[];

beforeAll(async () => {
  requireRoot();
  const scan = async (lab: Lab): Promise<void> => {
    const r = await cli(lab, ['scan', TARGET, '--no-progress']);
    expect(r.stderr).toMatch(/^(camaudit: host discovery by .*\n)?$/);
    expect(r.code).toBe(0);
  };
  await inLab(week('inv-week1', WEEK_1), scan);
  await inLab(week('inv-week2', WEEK_2, NEW_FIRMWARE), async (lab) => {
    await scan(lab);
    diff12 = await json<DiffJson>(lab, ['diff']);
    findings2 = await json<FindingRecord[]>(lab, ['findings']);
    refused = await cli(lab, ['findings', 'set', '198.18.0.11', '--status', 'exception', '--note', 'needed until the NVR swap']);
    setResult = await cli(lab, ['findings', 'set', '198.18.0.11', '--status', 'exception', '--note', 'needed until the NVR swap', '--expires', '2099-03-31', '--by', 'auditor', '--owner', 'facilities']);
    history = await json<AssetRecord>(lab, ['history', '198.18.0.11']);
    const [latest] = await json<ScanJson[]>(lab, ['scans']);
    recent = await json<ExportDevice[]>(lab, ['devices', '--flagged', '--since', latest!.startedAt]);
  });
  await inLab(week('inv-week3', WEEK_1, NEW_FIRMWARE), async (lab) => {
    await scan(lab);
    diff23 = await json<DiffJson>(lab, ['diff']);
    findings3 = await json<FindingRecord[]>(lab, ['findings']);
    scans = await json<ScanJson[]>(lab, ['scans']);
    csv = (await cli(lab, ['export', '--format', 'csv'])).stdout;
    const out = join(tmp.dir, 'audit.html');
    const r = await cli(lab, ['export', '--format', 'html', '-o', out]);
    expect(r.code).toBe(0);
    html = readFileSync(out, 'utf8');
    // A policy of a context-only list flags nothing: every finding is withdrawn; the default policy flags them again.
    narrowed = await json<Reevaluated[]>(lab, ['reevaluate', '--policy', 'uk-wms-2022-surveillance']);
    restored = await json<Reevaluated[]>(lab, ['reevaluate']);
    afterReevaluation = await json<FindingRecord[]>(lab, ['findings']);
  });
}, 300_000);

afterAll(() => {
  tmp.remove();
  expect(listNamespaces().filter((ns) => prefixes.some((p) => ns.startsWith(p)))).toEqual([]);
});

/** RFC 4180, as src/export/csv.ts writes it. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') record.push(cell), records.push(record), (record = []), (cell = ''), i++;
    else cell += c;
  }
  return records;
}

const ips = (devices: readonly ExportDevice[]): string[] => devices.map((d) => d.ip).sort();
const findingAt = (list: readonly FindingRecord[], ip: string): FindingRecord => {
  const f = list.find((x) => x.device.ip === ip);
  if (!f) throw new Error(`no finding for ${ip} (have ${list.map((x) => x.device.ip).join(', ')})`);
  return f;
};

describe('three weekly scans of the lab in one inventory', () => {
  it('lists three complete scans of the same targets, newest first', () => {
    expect(scans.map((s) => [s.id, s.status, s.targets])).toEqual([
      [3, 'complete', [TARGET]],
      [2, 'complete', [TARGET]],
      [1, 'complete', [TARGET]],
    ]);
    expect(scans.map((s) => s.flagged)).toEqual([3, 3, 3]); // hik + huawei + dahua | zte
  });

  it('diffs week 2 against week 1: the ZTE device new, the Dahua camera gone, the Hikvision firmware changed', () => {
    expect([diff12.from.id, diff12.to.id]).toEqual([1, 2]);
    expect(ips(diff12.added)).toEqual(['198.18.0.15']);
    expect(diff12.added[0]).toMatchObject({ manufacturer: 'zte', flagged: true });
    expect(ips(diff12.gone)).toEqual(['198.18.0.12']);
    expect(diff12.changed.map((c) => [c.device.ip, c.changes])).toEqual([['198.18.0.11', [{ field: 'firmware', from: OLD_FIRMWARE, to: NEW_FIRMWARE }]]]);
  });

  it('remediates the Dahua finding when a complete scan no longer sees the camera, and opens one for the ZTE device', () => {
    const dahua = findingAt(findings2, '198.18.0.12');
    expect(dahua.status).toBe('remediated');
    expect(dahua.history.at(-1)).toMatchObject({ actor: null, scanId: 2, field: 'status', oldValue: 'open', newValue: 'remediated', why: 'absent from complete scan 2 of the same targets' });
    expect(findingAt(findings2, '198.18.0.15')).toMatchObject({ status: 'open', entity: 'zte' });
    expect(findingAt(findings2, '198.18.0.11')).toMatchObject({ status: 'open', entity: 'hikvision' });
  });

  it('refuses an exception without an expiry (exit 2, one line) and records one with reason, owner and who', () => {
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^camaudit: .*--expires/)]);
    expect(setResult.code).toBe(0);
    expect(setResult.stdout).toMatch(/open → exception until 2099-03-31/);
    const f = history.finding!;
    expect(f).toMatchObject({ status: 'exception', owner: 'facilities', reason: 'needed until the NVR swap', expiresAt: '2099-03-31' });
    expect(f.history.filter((h) => h.actor === 'auditor').map((h) => h.field)).toEqual(['status', 'expires', 'owner', 'note']);
  });

  it('keeps the camera as one device across the firmware update, with the change in its history', () => {
    expect(history.identity).toBe('mac:28:57:be:aa:bb:01');
    expect(history.sightings.map((s) => s.scanId)).toEqual([1, 2]);
    expect(history.history).toEqual([expect.objectContaining({ scanId: 2, field: 'firmware', from: OLD_FIRMWARE, to: NEW_FIRMWARE })]);
  });

  it('filters devices by flag and last-seen date', () => {
    expect(ips(recent)).toEqual(['198.18.0.11', '198.18.0.14', '198.18.0.15']); // not the Dahua camera, last seen in week 1
  });

  it('reopens the Dahua finding when the camera returns, remediates the ZTE one, and leaves the exception alone', () => {
    expect(ips(diff23.added)).toEqual(['198.18.0.12']);
    expect(ips(diff23.gone)).toEqual(['198.18.0.15']);
    expect(diff23.changed).toEqual([]);
    const dahua = findingAt(findings3, '198.18.0.12');
    expect(dahua.history.map((h) => [h.scanId, h.newValue])).toEqual([[1, 'open'], [2, 'remediated'], [3, 'open']]);
    expect(dahua.history.at(-1)?.why).toBe('the device is back: flagged by scan 3');
    expect(findingAt(findings3, '198.18.0.15').status).toBe('remediated');
    expect(findingAt(findings3, '198.18.0.11').status).toBe('exception');
    expect(findings3).toHaveLength(4); // one per device ever flagged, never one per scan
  });

  it('exports CSV rows ready for a ticketing import', () => {
    const [header, ...records] = parseCsv(csv);
    for (const c of ['ip', 'mac', 'manufacturer', 'brand', 'model', 'serial', 'firmware', 'lists', 'citations', 'basis', 'confidence', 'first_seen', 'last_seen', 'status', 'owner']) {
      expect(header).toContain(c);
    }
    const at = (ip: string): Record<string, string> => {
      const r = records.find((x) => x[0] === ip);
      if (!r) throw new Error(`no CSV row for ${ip}`);
      return Object.fromEntries(header!.map((c, i) => [c, r[i] ?? '']));
    };
    expect(at('198.18.0.11')).toMatchObject({ firmware: NEW_FIRMWARE, status: 'exception', owner: 'facilities', expires: '2099-03-31' });
    expect(at('198.18.0.15')).toMatchObject({ manufacturer: 'zte', status: 'remediated' });
    expect(at('198.18.0.13')).toMatchObject({ manufacturer: 'axis', status: '' }); // never flagged: no finding
    expect(records).toHaveLength(5);
  });

  it('writes an HTML report with the trend over the three scans, the flagged devices and the exception', () => {
    expect(html).toMatch(/<g class="bar" data-scan="1" data-flagged="3">/);
    expect(html).toMatch(/<g class="bar" data-scan="3" data-flagged="3">/);
    expect(html).toContain('needed until the NVR swap');
    expect(html).toContain('47 CFR 1.50002');
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it('re-evaluates the stored devices under another policy without scanning, and back', () => {
    const withdrawn = narrowed.filter((r) => r.finding?.to === 'withdrawn').map((r) => r.device.ip).sort();
    expect(withdrawn).toEqual(['198.18.0.11', '198.18.0.12', '198.18.0.14']); // the ZTE finding was already remediated
    expect(narrowed.every((r) => r.changes.some((c) => c.field === 'flagged' && c.to === 'false'))).toBe(true);
    expect(restored.filter((r) => r.finding?.to === 'open').map((r) => r.device.ip).sort()).toEqual(withdrawn);
    const hik = findingAt(afterReevaluation, '198.18.0.11');
    expect(hik.history.filter((h) => h.field === 'status').slice(-2).map((h) => [h.actor, h.newValue, h.why])).toEqual([
      [null, 'withdrawn', 'no longer flagged by re-evaluation under uk-wms-2022-surveillance'],
      [null, 'open', 'flagged again by re-evaluation under us-fcc-covered-list,us-ndaa-fy2019-sec889'],
    ]);
  });
});
