// End to end: the built CLI scans the namespace lab (src/lab/topology.ts defaultLab) from the scanner
// namespace with each host-discovery method, and the stored, exported result is checked device by device.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportDocument } from '../../src/core/types.js';
import { listNamespaces, startLab, type Lab } from '../../src/lab/netns.js';
import { defaultLab, LAB_ONVIF_CREDENTIALS } from '../../src/lab/topology.js';
import { byIp, cliInLab, parseExport, requireRoot, tempDir } from './lab-cli.js';

const TARGETS = ['198.18.0.0/24', '198.19.1.0/24'];
const DEFAULT_LISTS = ['us-fcc-covered-list', 'us-ndaa-fy2019-sec889'];

let lab: Lab;
const tmp = tempDir();

beforeAll(async () => {
  requireRoot();
  lab = await startLab(defaultLab());
}, 60_000);

afterAll(async () => {
  await lab?.stop();
  tmp.remove();
  expect(listNamespaces().filter((ns) => lab && ns.startsWith(lab.prefix))).toEqual([]);
});

describe.each(['nmap', 'builtin'] as const)('camaudit scan --sweep %s of the lab', (sweep) => {
  const db = join(tmp.dir, `${sweep}.db`);
  let doc: ExportDocument;
  let stderr: string;

  beforeAll(async () => {
    const r = await cliInLab(lab, ['scan', ...TARGETS, '--db', db, '--sweep', sweep, '--json']);
    stderr = r.stderr;
    expect(r.stderr).toBe(''); // --json: nothing on stderr but errors
    expect(r.code).toBe(0);
    doc = parseExport(r.stdout);
  }, 120_000);

  it('stores a complete scan of the given targets', () => {
    expect(doc.scan).toMatchObject({ id: 1, targets: TARGETS, status: 'complete' });
    expect(stderr).toBe('');
  });

  it('finds every live host of the lab, and nothing that does not exist', () => {
    const t = defaultLab();
    const expected = [...t.devices.map((d) => d.ip), ...t.routers.flatMap((r) => r.interfaces.map((i) => i.ip))].sort();
    expect(doc.devices.map((d) => d.ip).sort()).toEqual(expected);
  });

  it.each([
    ['198.18.0.14', 'huawei', /^huawei/i],
    ['198.18.0.15', 'zte', /^zte/i],
    ['198.18.0.16', 'hytera', /Hytera/],
  ])('flags the silent %s by its MAC registry owner (%s)', (ip, entity, org) => {
    const d = byIp(doc, ip);
    expect(d.flagged).toBe(true);
    expect(d.ouiVendor).toMatch(org);
    expect(d.restriction).toMatchObject({ entity, basis: 'manufacturer', confidence: 'high' });
    expect(d.restriction!.lists).toEqual(DEFAULT_LISTS);
    expect(d.evidence.map((e) => e.source)).toEqual(['oui']);
    expect(d.model).toBeNull();
  });

  it('flags the Hikvision camera by OUI and ONVIF, with model, firmware and serial', () => {
    const d = byIp(doc, '198.18.0.11');
    expect(d).toMatchObject({
      mac: '28:57:be:aa:bb:01',
      macSource: sweep === 'nmap' ? 'nmap' : 'neighbours',
      manufacturer: 'hikvision',
      brand: 'hikvision',
      model: 'DS-2CD2385G1-I',
      firmware: 'V5.6.2 build 190701',
      serial: 'DS-2CD2385G1-I20200414AAWRE33842150',
      deviceType: 'camera',
      flagged: true,
    });
    expect(d.restriction).toMatchObject({ entity: 'hikvision', basis: 'manufacturer', lists: DEFAULT_LISTS });
    // Hikvision, Dahua and Hytera are listed only for some uses: the limit travels with the finding.
    expect(d.restriction!.citations.every((c) => c.scopeLimit && /public safety/i.test(c.scopeLimit))).toBe(true);
    const sources = new Set(d.evidence.map((e) => e.source));
    expect([...sources]).toEqual(expect.arrayContaining(['oui', 'onvif', 'ws-discovery']));
  });

  it('flags the Dahua camera by OUI and ONVIF', () => {
    const d = byIp(doc, '198.18.0.12');
    expect(d).toMatchObject({ mac: '08:ed:ed:aa:bb:02', manufacturer: 'dahua', brand: 'dahua', serial: 'BA07995PHA29A85', flagged: true });
    expect(d.ouiVendor).toMatch(/Dahua/i);
    expect(d.restriction).toMatchObject({ entity: 'dahua', basis: 'manufacturer' });
  });

  it('flags a Dahua camera with a locally administered MAC by ONVIF alone', () => {
    const d = byIp(doc, '198.18.0.17');
    expect(d.mac).toBe('8e:3f:5a:19:c4:77');
    expect(d.ouiVendor).toBeNull(); // a locally administered MAC has no registered vendor
    expect(d).toMatchObject({ manufacturer: 'dahua', model: 'IPC-HDW1025C', flagged: true });
    expect(d.evidence.some((e) => e.source === 'oui')).toBe(false);
    expect(d.evidence.some((e) => e.source === 'onvif' && /Manufacturer "Dahua"/.test(e.detail))).toBe(true);
  });

  it('records NotAuthorized as evidence and still flags the device by its discovery scopes', () => {
    const d = byIp(doc, '198.18.0.19');
    expect(d.evidence.some((e) => e.source === 'onvif' && /NotAuthorized/.test(e.detail))).toBe(true);
    expect(d.serial).toBeNull(); // GetDeviceInformation was refused
    expect(d).toMatchObject({ manufacturer: 'dahua', flagged: true });
  });

  it('flags the camera behind the router without inventing a MAC for it', () => {
    const d = byIp(doc, '198.19.1.10');
    expect(d.mac).toBeNull(); // never the router's MAC
    expect(d.ouiVendor).toBeNull();
    expect(d).toMatchObject({ manufacturer: 'hikvision', model: 'DS-2CD3955FWD-IWS', flagged: true });
    expect(byIp(doc, '198.19.1.1').mac).toBeNull();
  });

  it.each([
    ['198.18.0.13', 'axis'],
    ['198.18.0.18', 'uniview'],
  ])('does not flag %s, made by %s (not on the default lists)', (ip, maker) => {
    const d = byIp(doc, ip);
    expect(d.manufacturer).toBe(maker);
    expect(d.flagged).toBe(false);
    expect(d.restriction).toBeNull();
  });

  it('reports hosts it cannot identify as unknown, unflagged', () => {
    for (const ip of ['198.18.0.20', '198.18.0.254']) {
      expect(byIp(doc, ip)).toMatchObject({ manufacturer: null, flagged: false, restriction: null, deviceType: 'unknown' });
    }
  });

  it('exports the stored scan as CSV and flagged-only JSON', async () => {
    const csv = await cliInLab(lab, ['export', '--db', db, '--format', 'csv']);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines).toHaveLength(doc.devices.length + 1);
    expect(lines.find((l) => l.startsWith('198.18.0.14,'))).toMatch(/,huawei,.*us-fcc-covered-list/);
    const flagged = parseExport((await cliInLab(lab, ['export', '--db', db, '--flagged-only'])).stdout);
    expect(flagged.devices.map((d) => d.ip).sort()).toEqual(doc.devices.filter((d) => d.flagged).map((d) => d.ip).sort());
    expect(flagged.devices.length).toBeGreaterThan(0);
  });

  it('explains a flag from observation to fingerprint to list row and citation', async () => {
    const r = await cliInLab(lab, ['explain', '198.18.0.17', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Verdict: FLAGGED: dahua .* basis manufacturer/m);
    expect(r.stdout).toMatch(/\[onvif\] ONVIF GetDeviceInformation anonymously: Manufacturer "Dahua" → hw\.brand=dahua \(fingerprint onvif-manufacturer, high\)/);
    expect(r.stdout).toMatch(/us-fcc-covered-list, row \d+\n {4}citation: .*47 U\.S\.C\. 1601/);
    const byMac = await cliInLab(lab, ['explain', '08:ED:ED:AA:BB:02', '--db', db, '--json']);
    expect(JSON.parse(byMac.stdout)).toMatchObject({ ip: '198.18.0.12', flagged: true });
    const axis = await cliInLab(lab, ['explain', '198.18.0.13', '--db', db]);
    expect(axis.stdout).toMatch(/^Verdict: not flagged: axis is on none of the lists/m);
    const missing = await cliInLab(lab, ['explain', '198.18.0.99', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no device 198\.18\.0\.99 in scan 1/);
  });
});

describe('camaudit scan with ONVIF credentials', () => {
  it('reads GetDeviceInformation from the device that refused the anonymous query', async () => {
    const { dir, remove } = tempDir();
    try {
      const r = await cliInLab(lab, ['scan', '198.18.0.19', '--db', join(dir, 'c.db'), '--json', '--onvif-user', LAB_ONVIF_CREDENTIALS.username], {
        CAMAUDIT_ONVIF_PASSWORD: LAB_ONVIF_CREDENTIALS.password,
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const d = byIp(parseExport(r.stdout), '198.18.0.19');
      expect(d).toMatchObject({ manufacturer: 'dahua', model: 'DH-IPC-HDW1230T2', serial: '6J0A1B2PAZ3C4D5', flagged: true });
      expect(d.restriction?.confidence).toBe('high');
      // The password never reaches the output or the database.
      expect(r.stdout).not.toContain(LAB_ONVIF_CREDENTIALS.password);
      expect(readFileSync(join(dir, 'c.db')).includes(LAB_ONVIF_CREDENTIALS.password)).toBe(false);
    } finally {
      remove();
    }
  }, 60_000);
});

describe('camaudit scan --fail-on-flagged', () => {
  it('exits 1 when something is flagged and 0 when nothing is', async () => {
    const { dir, remove } = tempDir();
    try {
      const flagged = await cliInLab(lab, ['scan', '198.18.0.14', '--db', join(dir, 'f.db'), '--fail-on-flagged', '--no-progress']);
      expect(flagged.code).toBe(1);
      expect(flagged.stdout).toMatch(/1 flagged/);
      const clean = await cliInLab(lab, ['scan', '198.18.0.13', '--db', join(dir, 'f.db'), '--fail-on-flagged', '--no-progress']);
      expect(clean.code).toBe(0);
      expect(clean.stdout).toMatch(/0 flagged/);
    } finally {
      remove();
    }
  }, 60_000);
});

describe('camaudit scan of a range with --sweep nmap', () => {
  it('finds the hosts in an a-b range (nmap itself would take "a-b" for a host name)', async () => {
    const { dir, remove } = tempDir();
    try {
      const r = await cliInLab(lab, ['scan', '198.18.0.11-198.18.0.16', '--sweep', 'nmap', '--db', join(dir, 'r.db'), '--json']);
      expect(r.code).toBe(0);
      expect(parseExport(r.stdout).devices.map((d) => d.ip).sort()).toEqual(['198.18.0.11', '198.18.0.12', '198.18.0.13', '198.18.0.14', '198.18.0.15', '198.18.0.16']);
    } finally {
      remove();
    }
  }, 60_000);
});
