// The inventory over several scans of the builder network: one device per asset across scans, its changes,
// and its finding moved by scans, by people and by the calendar.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import type { ExportDevice, JudgedDevice, ScanResult } from '../../src/core/types.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { aJudgedDevice, aScanResult, axisCamera, entityNames, hikvisionCamera, routedHost } from './builders.js';
import { useBackends } from './backends.js';
import { useTempDir } from './temp.js';

const newDir = useTempDir();
const opened: Store[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

let clock = new Date('2026-11-26T10:00:00.000Z');
async function open(path = ':memory:'): Promise<Store> {
  clock = new Date('2026-11-26T10:00:00.000Z');
  const store = await openSqliteStore(path, { names: entityNames, now: () => clock });
  opened.push(store);
  return store;
}

const TARGETS = ['198.18.0.0/23', '198.19.4.20'];
function scanOn(day: number, devices: JudgedDevice[], o: Partial<ScanResult['scan']> = {}): ScanResult {
  const at = `2026-12-${String(day).padStart(2, '0')}T09:00:00.000Z`;
  return aScanResult({ devices, scan: { ...aScanResult().scan, startedAt: at, finishedAt: at.replace('09:00:00', '09:00:42'), targets: TARGETS, ...o } });
}

const dahuaCamera = (): JudgedDevice =>
  aJudgedDevice({
    ip: '198.18.0.12',
    mac: '08:ed:ed:aa:bb:02',
    macSource: 'neighbours',
    attribution: { manufacturer: 'dahua', brand: 'dahua', model: 'IPC-HFW2228M', serial: 'BA07995PHA29A85', deviceType: 'camera', confidence: 'high' },
    restriction: { entity: 'dahua', lists: hikvisionCamera().restriction!.lists, basis: 'manufacturer', confidence: 'high', evidence: [] },
  });

const byIp = (devices: readonly ExportDevice[], ip: string): ExportDevice => {
  const d = devices.find((x) => x.ip === ip);
  if (!d) throw new Error(`no ${ip} in ${devices.map((x) => x.ip).join(', ')}`);
  return d;
};

async function findingOf(store: Store, ip: string) {
  const f = (await store.findings()).find((x) => x.device.ip === ip);
  if (!f) throw new Error(`no finding for ${ip}`);
  return f;
}

// Both backends: everything but the schema-1 upgrade below, which is SQLite's alone.
const backends = useBackends(newDir);
describe.each(backends)('$name', (backend) => {
  async function open(): Promise<Store> {
    clock = new Date('2026-11-26T10:00:00.000Z');
    return backend.open({ names: entityNames, now: () => clock });
  }

  describe('inventory: the same device across scans', () => {
    it('keeps one asset per device, with first and last seen, and records IP and firmware changes', async () => {
      const store = await open();
      await store.saveScan(scanOn(1, [hikvisionCamera(), axisCamera(), routedHost()]));
      const first = await store.inventory();
      expect(first).toHaveLength(3);
      const moved = hikvisionCamera({ ip: '198.18.0.40', attribution: { firmware: 'V5.7.15 build 230316' } });
      const second = await store.saveScan(scanOn(8, [moved, axisCamera(), routedHost()]));

      const now = await store.inventory();
      expect(now).toHaveLength(3);
      const hik = byIp(now, '198.18.0.40');
      expect(hik.assetId).toBe(byIp(first, '198.18.0.10').assetId);
      expect(hik).toMatchObject({ firmware: 'V5.7.15 build 230316', firstSeen: '2026-12-01T09:00:00.000Z', lastSeen: '2026-12-08T09:00:00.000Z' });
      const record = await store.asset(hik.assetId!);
      expect(record?.identity).toBe('mac:28:57:be:aa:bb:01');
      expect(record?.history).toEqual([
        { at: '2026-12-08T09:00:00.000Z', scanId: second, field: 'ip', from: '198.18.0.10', to: '198.18.0.40' },
        { at: '2026-12-08T09:00:00.000Z', scanId: second, field: 'firmware', from: 'V5.7.3 build 220112', to: 'V5.7.15 build 230316' },
      ]);
      expect(record?.sightings.map((s) => s.ip)).toEqual(['198.18.0.10', '198.18.0.40']);
      // A host without MAC or serial is the same host at the same address in a scan of the same targets.
      expect(byIp(now, '198.19.4.20').assetId).toBe(byIp(first, '198.19.4.20').assetId);
    });

    it('recognises a device that lost its MAC (now behind a router) by its serial number', async () => {
      const store = await open();
      await store.saveScan(scanOn(1, [hikvisionCamera()]));
      await store.saveScan(scanOn(8, [hikvisionCamera({ ip: '198.19.4.30', mac: null, macSource: null, ouiVendor: null })]));
      const [only, ...rest] = await store.inventory();
      expect(rest).toEqual([]);
      expect(only?.ip).toBe('198.19.4.30');
    });

    it('does not merge an address-only host across different targets', async () => {
      const store = await open();
      await store.saveScan(scanOn(1, [routedHost()]));
      await store.saveScan(scanOn(2, [routedHost()], { targets: ['198.19.4.0/24'] }));
      expect(await store.inventory()).toHaveLength(2);
    });
  });

  describe('inventory: findings follow the scans', () => {
    it('remediates a flagged device absent from a later complete scan of the same targets, and reopens it when it returns', async () => {
      const store = await open();
      await store.saveScan(scanOn(1, [hikvisionCamera(), axisCamera()]));
      await store.saveScan(scanOn(2, [axisCamera()], { status: 'interrupted' })); // an interrupted scan proves nothing
      expect((await findingOf(store, '198.18.0.10')).status).toBe('open');
      await store.saveScan(scanOn(3, [axisCamera()], { targets: ['198.18.0.0/24'] })); // other targets prove nothing either
      expect((await findingOf(store, '198.18.0.10')).status).toBe('open');

      const gone = await store.saveScan(scanOn(8, [axisCamera()]));
      let f = await findingOf(store, '198.18.0.10');
      expect(f.status).toBe('remediated');
      expect(f.history.at(-1)).toEqual({
        at: '2026-12-08T09:00:00.000Z', actor: null, scanId: gone, field: 'status', oldValue: 'open', newValue: 'remediated',
        why: `absent from complete scan ${gone} of the same targets`,
      });

      const back = await store.saveScan(scanOn(15, [hikvisionCamera(), axisCamera()]));
      f = await findingOf(store, '198.18.0.10');
      expect(f.status).toBe('open');
      expect(f.history.map((h) => [h.scanId, h.newValue])).toEqual([[1, 'open'], [gone, 'remediated'], [back, 'open']]);
      expect((await store.findings()).map((x) => x.device.ip)).toEqual(['198.18.0.10']); // still one finding
    });

    it('moves a finding by people: acknowledged, exception with reason and expiry, each change with who and when', async () => {
      const store = await open();
      await store.saveScan(scanOn(1, [hikvisionCamera()]));
      const { id } = await findingOf(store, '198.18.0.10');
      clock = new Date('2026-12-02T08:00:00.000Z');
      expect(await store.changeFinding(id, { status: 'acknowledged', owner: 'facilities', note: 'ticket FAC-118' }, 'ada')).toBe(true);
      await expect(store.changeFinding(id, { status: 'exception', note: 'lobby camera, replacement ordered' }, 'ada')).rejects.toThrow(UsageError);
      await expect(store.changeFinding(id, { status: 'exception', expires: '2027-01-31' }, 'ada')).rejects.toThrow(/--note/);
      await store.changeFinding(id, { status: 'exception', note: 'lobby camera, replacement ordered', expires: '2027-01-31' }, 'grace');
      const f = await findingOf(store, '198.18.0.10');
      expect(f).toMatchObject({ status: 'exception', owner: 'facilities', reason: 'lobby camera, replacement ordered', expiresAt: '2027-01-31' });
      expect(f.history.slice(1).map((h) => [h.actor, h.field, h.oldValue, h.newValue])).toEqual([
        ['ada', 'status', 'open', 'acknowledged'],
        ['ada', 'owner', null, 'facilities'],
        ['ada', 'note', null, 'ticket FAC-118'],
        ['grace', 'status', 'acknowledged', 'exception'],
        ['grace', 'expires', null, '2027-01-31'],
        ['grace', 'note', null, 'lobby camera, replacement ordered'],
      ]);
      expect(f.history.slice(1).every((h) => h.at === '2026-12-02T08:00:00.000Z')).toBe(true);
      expect(await store.changeFinding(id + 100, { status: 'acknowledged' }, 'ada')).toBe(false);
    });

    it('returns an exception to open the day after it expires, recorded as camaudit’s change', async () => {
      const store = await open();
      await store.saveScan(scanOn(1, [hikvisionCamera()]));
      const { id } = await findingOf(store, '198.18.0.10');
      clock = new Date('2026-12-02T08:00:00.000Z');
      await store.changeFinding(id, { status: 'exception', note: 'spare part', expires: '2026-12-31' }, 'ada');
      clock = new Date('2026-12-31T23:59:00.000Z');
      expect(await store.expireExceptions()).toBe(0); // holds through its last day
      clock = new Date('2027-01-01T00:00:01.000Z');
      expect(await store.expireExceptions()).toBe(1);
      const f = await findingOf(store, '198.18.0.10');
      expect(f).toMatchObject({ status: 'open', expiresAt: null, reason: null });
      expect(f.history.at(-2)).toMatchObject({ actor: null, field: 'status', oldValue: 'exception', newValue: 'open', why: 'exception expired on 2026-12-31' });
    });

    it('re-judges stored devices without a scan: a device no longer flagged has its finding withdrawn', async () => {
      const store = await open();
      await store.saveScan(scanOn(1, [hikvisionCamera(), axisCamera()]));
      const sightings = await store.latestSightings();
      const hik = sightings.find((s) => s.device.ip === '198.18.0.10')!;
      expect(hik.device).toMatchObject({ mac: '28:57:be:aa:bb:01', macSource: 'neighbours', ips: ['198.18.0.10'] });
      expect(hik.device.observations).toEqual(hikvisionCamera().observations);

      const result = await store.rejudge([{ assetId: hik.assetId, judged: hikvisionCamera({ restriction: null }) }], ['ca-qc-arrete-2023']);
      expect(result).toHaveLength(1);
      expect(result[0]!.changes.map((c) => c.field)).toEqual(['flagged', 'entity', 'lists']);
      expect(result[0]!.finding).toEqual({ from: 'open', to: 'withdrawn' });
      const f = await findingOf(store, '198.18.0.10');
      expect(f.history.at(-1)?.why).toBe('no longer flagged by re-evaluation under ca-qc-arrete-2023');
      expect(byIp(await store.inventory(), '198.18.0.10').flagged).toBe(false);
      // The scan's own record is never rewritten.
      expect(byIp((await store.exportDocument(1))!.devices, '198.18.0.10').flagged).toBe(true);
    });

    it('finds assets by id, IP or MAC', async () => {
      const store = await open();
      await store.saveScan(scanOn(1, [hikvisionCamera(), axisCamera()]));
      const hik = byIp(await store.inventory(), '198.18.0.10').assetId!;
      expect(await store.findAssets('198.18.0.10')).toEqual([hik]);
      expect(await store.findAssets('28:57:BE:AA:BB:01')).toEqual([hik]);
      expect(await store.findAssets(String(hik))).toEqual([hik]);
      expect(await store.findAssets('198.18.0.99')).toEqual([]);
    });
  });
});

describe('inventory: upgrading a schema-1 database', () => {
  it('builds the inventory from the scans stored before it existed', async () => {
    const path = join(newDir(), 'v1.db');
    const db = new Database(path);
    db.exec(MIGRATIONS[0]!.sql);
    db.pragma('user_version = 1');
    const scan = db.prepare(`INSERT INTO scans (started_at, finished_at, status, targets, policy, runs, saved_at) VALUES (?, ?, 'complete', ?, '[]', '[]', ?)`);
    const device = db.prepare(`INSERT INTO devices (scan_id, ip, ip_key, mac, device_type, evidence, conflicts, flagged, restricted_entity, restriction_lists,
      restriction_basis, restriction_confidence, restriction_evidence) VALUES (?, ?, x'00', ?, 'camera', '[]', '[]', 1, 'hikvision', '[]', 'manufacturer', 'high', '[]')`);
    for (const [day, ips] of [[1, ['198.18.0.10', '198.18.0.11']], [8, ['198.18.0.10']]] as const) {
      const at = `2026-12-0${day}T09:00:00.000Z`;
      const id = Number(scan.run(at, at, JSON.stringify(TARGETS), at).lastInsertRowid);
      for (const ip of ips) device.run(id, ip, `28:57:be:aa:bb:${ip.slice(-2)}`);
    }
    db.exec("INSERT INTO findings (scan_id, device_id, entity, lists, basis, confidence, status, created_at, updated_at) VALUES (1, 1, 'hikvision', '[]', 'manufacturer', 'high', 'open', 'x', 'x')");
    db.close();

    const store = await open(path);
    const findings = await store.findings();
    expect(findings.map((f) => [f.device.ip, f.status, f.createdAt])).toEqual([
      ['198.18.0.10', 'open', '2026-12-01T09:00:00.000Z'],
      ['198.18.0.11', 'remediated', '2026-12-01T09:00:00.000Z'],
    ]);
    expect((await store.inventory()).map((d) => [d.ip, d.firstSeen, d.lastSeen])).toEqual([
      ['198.18.0.10', '2026-12-01T09:00:00.000Z', '2026-12-08T09:00:00.000Z'],
      ['198.18.0.11', '2026-12-01T09:00:00.000Z', '2026-12-01T09:00:00.000Z'],
    ]);
  });
});
