// End to end: the built CLI finds what ONVIF and the MAC registry miss, through the vendors' own discovery
// protocols (SADP, DHIP), in its own default lab (src/lab/topology.ts; replies modelled on the real captures).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportDocument } from '../../src/core/types.js';
import { byIp, cliInLab, parseExport, tempDir, useDefaultLab } from './lab-cli.js';

const DEFAULT_LISTS = ['us-fcc-covered-list', 'us-ndaa-fy2019-sec889'];

const lab = useDefaultLab();
const tmp = tempDir();
afterAll(() => tmp.remove());

async function scan(name: string, args: readonly string[]): Promise<ExportDocument> {
  const r = await cliInLab(lab(), ['scan', ...args, '--db', join(tmp.dir, `${name}.db`), '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return parseExport(r.stdout);
}

describe('camaudit scan of the lab: vendor discovery protocols', () => {
  let doc: ExportDocument;
  beforeAll(async () => {
    doc = await scan('full', ['198.18.0.0/24', '198.19.1.0/24']);
  }, 120_000);

  it('flags the Hikvision camera with ONVIF off and a locally administered MAC by its SADP answer alone', () => {
    const d = byIp(doc, '198.18.0.21');
    expect(d).toMatchObject({
      mac: '02:5a:d0:aa:bb:21',
      ouiVendor: null,
      manufacturer: 'hikvision',
      brand: null,
      model: 'DS-2CD2385G1-I',
      serial: 'DS-2CD2385G1-I20200414AAWRE33842151',
      firmware: 'V5.6.2build 190701',
      deviceType: 'camera',
      confidence: 'high',
      flagged: true,
    });
    expect(d.restriction).toMatchObject({ entity: 'hikvision', basis: 'manufacturer', confidence: 'high', lists: DEFAULT_LISTS });
    expect(new Set(d.evidence.map((e) => e.source))).toEqual(new Set(['sadp']));
    // It answered the multicast probe (to the group), so no unicast probe followed.
    expect(lab().readLog('hik-sadp').map((l) => `${l.detail.dst}:${l.detail.to}`)).toEqual(['multicast:group', 'multicast:group']);
  });

  it('flags the Dahua camera that answers only to the DHIP group, with Vendor "Private" (no brand)', () => {
    const d = byIp(doc, '198.18.0.22');
    expect(d).toMatchObject({
      mac: '06:ed:ed:aa:bb:22',
      manufacturer: 'dahua',
      brand: null,
      model: 'IPC-HDW1431T1-S4',
      serial: '6C01E93PAG69A7E',
      deviceType: 'camera',
      flagged: true,
    });
    expect(d.restriction).toMatchObject({ entity: 'dahua', basis: 'manufacturer', lists: DEFAULT_LISTS });
    expect(new Set(d.evidence.map((e) => e.source))).toEqual(new Set(['dhip']));
  });

  it('flags the Intelbras relabel under an Intelbras OUI as Dahua-built: the hardware answers DHIP', () => {
    const d = byIp(doc, '198.18.0.23');
    expect(d).toMatchObject({
      mac: '58:10:8c:aa:bb:23',
      ouiVendor: 'Intelbras',
      manufacturer: 'dahua',
      brand: 'intelbras',
      model: 'MHDX 1016',
      deviceType: 'dvr',
      confidence: 'high',
      conflicts: [],
      flagged: true,
    });
    expect(d.restriction).toMatchObject({ entity: 'dahua', basis: 'manufacturer', confidence: 'high' });
    expect(d.evidence.some((e) => e.source === 'dhip' && /dhip-answer/.test(e.detail))).toBe(true);
    expect(d.evidence.some((e) => e.source === 'dhip' && /Vendor: Intelbras → hw.brand=intelbras/.test(e.detail))).toBe(true);
    expect(d.evidence.some((e) => e.source === 'oui' && /"Intelbras"/.test(e.detail))).toBe(true);
  });

  it('reaches the Dahua camera behind the router by unicast DHIP and names it by the MAC its reply states', () => {
    const d = byIp(doc, '198.19.1.21');
    expect(d).toMatchObject({ mac: '08:ed:ed:aa:bb:29', macSource: 'dhip', manufacturer: 'dahua', model: 'IPC-HDW1431T1-S4', flagged: true });
    expect(d.ouiVendor).toMatch(/Dahua/);
    expect(lab().readLog('dahua-routed').map((l) => `${l.operation}:${l.detail.dst}`)).toEqual(['DHDiscover.search:unicast']);
  });
});

describe('camaudit scan of part of the lab', () => {
  it('drops a group reply from a device outside the targets and never probes it', async () => {
    const doc = await scan('part', ['198.18.0.21']);
    expect(doc.devices.map((d) => d.ip)).toEqual(['198.18.0.21']);
    // dahua-dhip heard the multicast search and answered to the group; nothing was sent to it directly.
    const dhip = lab().readLog('dahua-dhip').filter((l) => l.from === '198.18.0.1');
    expect(dhip.length).toBeGreaterThan(0);
    expect(dhip.every((l) => l.detail.dst === 'multicast')).toBe(true);
  }, 60_000);

  it('without SADP, the Hikvision camera with ONVIF off is not identified at all', async () => {
    const r = await cliInLab(lab(), ['scan', '198.18.0.21', '--disable', 'sadp', '--db', join(tmp.dir, 'nosadp.db'), '--json']);
    expect(r.code).toBe(0);
    expect(byIp(parseExport(r.stdout), '198.18.0.21')).toMatchObject({ manufacturer: null, flagged: false, deviceType: 'unknown' });
  }, 60_000);
});
