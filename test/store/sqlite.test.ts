import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/core/errors.js';
import type { Confidence } from '../../src/core/types.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { aJudgedDevice, aScanResult, axisCamera, entityNames, FCC_ROW_4, hikvisionCamera, NDAA_889, routedHost } from './builders.js';
import { useTempDir } from './temp.js';

const newDir = useTempDir();
const opened: Store[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

async function open(path = ':memory:', names = entityNames): Promise<Store> {
  const store = await openSqliteStore(path, { names, now: () => new Date('2026-11-26T09:01:00.000Z') });
  opened.push(store);
  return store;
}

function count(path: string, table: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('sqlite store: save and read back', () => {
  it('round-trips a scan into an export document, flagged first then by IP', async () => {
    const store = await open();
    const id = await store.saveScan(aScanResult());
    const doc = await store.exportDocument(id, {});

    expect(doc?.scan).toEqual({
      id,
      startedAt: '2026-11-26T09:00:00.000Z',
      finishedAt: '2026-11-26T09:00:42.000Z',
      targets: ['198.18.0.0/23', '198.19.4.20'],
      status: 'complete',
    });
    expect(doc?.devices.map((d) => d.ip)).toEqual(['198.18.0.10', '198.18.0.9', '198.19.4.20']);
    const [hik, axis, routed] = doc?.devices ?? [];
    expect(hik).toEqual({
      ip: '198.18.0.10',
      mac: '28:57:be:aa:bb:01',
      macSource: 'neighbours',
      ouiVendor: 'Hangzhou Hikvision Digital Technology Co.,Ltd.',
      manufacturer: 'hikvision',
      manufacturerName: 'Hangzhou Hikvision Digital Technology Co., Ltd.',
      brand: 'hikvision',
      brandName: 'Hangzhou Hikvision Digital Technology Co., Ltd.',
      model: 'DS-2CD2143G2-I',
      firmware: 'V5.7.3 build 220112',
      serial: 'DS-2CD2143G2-I20220301AAWRJ12345678',
      deviceType: 'camera',
      confidence: 'high',
      flagged: true,
      restriction: {
        entity: 'hikvision',
        entityName: 'Hangzhou Hikvision Digital Technology Co., Ltd.',
        lists: ['us-fcc-covered-list', 'us-ndaa-fy2019-sec889'],
        citations: [FCC_ROW_4, NDAA_889],
        basis: 'manufacturer',
        confidence: 'high',
      },
      evidence: hikvisionCamera().attribution.evidence,
      conflicts: hikvisionCamera().attribution.conflicts,
      decidedBy: null, // the builder's device carries no policy decision
      assetId: expect.any(Number),
      site: 'hq',
      firstSeen: '2026-11-26T09:00:00.000Z',
      lastSeen: '2026-11-26T09:00:00.000Z',
      finding: { id: expect.any(Number), status: 'open', owner: null, notes: null, reason: null, expiresAt: null, updatedAt: '2026-11-26T09:00:00.000Z' },
    });
    expect(axis).toMatchObject({ manufacturerName: 'Axis Communications AB', flagged: false, restriction: null });
    expect(routed).toMatchObject({ mac: null, macSource: null, ouiVendor: null, manufacturer: null, manufacturerName: null, confidence: null, deviceType: 'unknown' });
  });

  it('orders IP addresses numerically, not as text', async () => {
    const store = await open();
    const ips = ['198.18.0.100', '198.18.0.9', '10.0.0.1', '198.18.0.10', '2001:db8::1', '198.18.1.2'];
    const id = await store.saveScan(aScanResult({ devices: ips.map((ip) => aJudgedDevice({ ip })) }));
    const doc = await store.exportDocument(id);
    expect(doc?.devices.map((d) => d.ip)).toEqual(['10.0.0.1', '198.18.0.9', '198.18.0.10', '198.18.0.100', '198.18.1.2', '2001:db8::1']);
  });

  it('keeps only flagged devices when asked', async () => {
    const store = await open();
    await store.saveScan(aScanResult());
    const doc = await store.exportDocument('latest', { flaggedOnly: true });
    expect(doc?.devices.map((d) => d.ip)).toEqual(['198.18.0.10']);
  });

  it('resolves latest to the most recently saved scan, and unknown refs to null', async () => {
    const store = await open();
    expect(await store.getScan('latest')).toBeNull();
    expect(await store.exportDocument('latest')).toBeNull();
    const first = await store.saveScan(aScanResult());
    const second = await store.saveScan(aScanResult({ devices: [axisCamera()] }));
    expect(second).toBeGreaterThan(first);
    expect((await store.getScan('latest'))?.id).toBe(second);
    expect((await store.exportDocument('latest'))?.devices).toHaveLength(1);
    expect(await store.getScan(second + 1)).toBeNull();
    expect(await store.getScan(0)).toBeNull();
    expect(await store.getScan(1.5)).toBeNull();
  });

  it('returns scan metadata with runs, policy and counts; lists newest first', async () => {
    const store = await open();
    const first = await store.saveScan(aScanResult());
    const second = await store.saveScan(aScanResult({ devices: [], scan: { ...aScanResult().scan, status: 'interrupted' } }));
    const scan = await store.getScan(first);
    expect(scan).toEqual({ id: first, ...aScanResult().scan, runs: aScanResult().runs, deviceCount: 3, flaggedCount: 1 });
    const list = await store.listScans();
    expect(list.map((s) => [s.id, s.status, s.deviceCount, s.flaggedCount])).toEqual([
      [second, 'interrupted', 0, 0],
      [first, 'complete', 3, 1],
    ]);
  });

  it('exports entity names from the database alone, without the names function', async () => {
    const path = join(newDir(), 'camaudit.db');
    const writer = await open(path);
    const id = await writer.saveScan(aScanResult());
    await writer.close();
    const reader = await open(path, () => null);
    const doc = await reader.exportDocument(id);
    expect(doc?.devices[0]?.restriction?.entityName).toBe('Hangzhou Hikvision Digital Technology Co., Ltd.');
    expect(doc?.devices[1]?.manufacturerName).toBe('Axis Communications AB');
  });

  it('falls back to the entity id when a restricted entity has no known name', async () => {
    const store = await open(':memory:', () => null);
    const id = await store.saveScan(aScanResult({ devices: [hikvisionCamera()] }));
    const device = (await store.exportDocument(id))?.devices[0];
    expect(device?.manufacturerName).toBeNull();
    expect(device?.restriction?.entityName).toBe('hikvision');
  });

  it('stores every observation and one open finding per flagged device, dated by the scan', async () => {
    const path = join(newDir(), 'camaudit.db');
    const store = await open(path);
    const result = aScanResult();
    await store.saveScan(result);
    expect(count(path, 'observations')).toBe(result.devices.flatMap((d) => d.observations).length);
    const db = new Database(path, { readonly: true });
    try {
      const finding = db.prepare('SELECT entity, lists, basis, confidence, status, created_at, updated_at, owner, notes FROM findings').all();
      expect(finding).toEqual([
        {
          entity: 'hikvision',
          lists: JSON.stringify([FCC_ROW_4, NDAA_889]),
          basis: 'manufacturer',
          confidence: 'high',
          status: 'open',
          created_at: '2026-11-26T09:00:00.000Z',
          updated_at: '2026-11-26T09:00:00.000Z',
          owner: null,
          notes: null,
        },
      ]);
      expect(db.prepare('SELECT actor, scan_id, field, old_value, new_value, why FROM finding_history').all()).toEqual([
        { actor: null, scan_id: 1, field: 'status', old_value: null, new_value: 'open', why: 'flagged by scan 1' },
      ]);
    } finally {
      db.close();
    }
  });

  it('keeps the relabel an attribution was inferred from', async () => {
    const path = join(newDir(), 'camaudit.db');
    const store = await open(path);
    const relabel = { brand: 'amcrest', builtBy: 'dahua', confidence: 'medium' } as const;
    await store.saveScan(aScanResult({ devices: [aJudgedDevice({ attribution: { manufacturer: 'dahua', brand: 'amcrest', relabel } }), routedHost()] }));
    const db = new Database(path, { readonly: true });
    try {
      const stored = db.prepare('SELECT relabel FROM devices ORDER BY id').pluck().all();
      expect(stored).toEqual([JSON.stringify(relabel), null]);
    } finally {
      db.close();
    }
  });
});

describe('sqlite store: transactions and concurrency', () => {
  it('saves all of a scan or nothing: a rejected device rolls back the scan row', async () => {
    const path = join(newDir(), 'camaudit.db');
    const store = await open(path);
    // The CHECK on devices.confidence rejects this device after the scan row and one device were inserted.
    const bad = axisCamera({ attribution: { confidence: 'certain' as Confidence } });
    await expect(store.saveScan(aScanResult({ devices: [hikvisionCamera(), bad] }))).rejects.toThrow(/CHECK constraint failed/);
    for (const table of ['scans', 'devices', 'observations', 'assets', 'asset_history', 'findings', 'finding_history']) expect(count(path, table)).toBe(0);
    expect(await store.getScan('latest')).toBeNull();
    // and the store is still usable
    expect(await store.saveScan(aScanResult())).toBeGreaterThan(0);
  });

  it('lets readers keep reading while another connection commits a scan (WAL)', async () => {
    const path = join(newDir(), 'camaudit.db');
    const writer = await openSqliteStore(path, { busyTimeoutMs: 500 }); // fail fast if the commit has to wait
    opened.push(writer);
    const reader = await open(path);
    await writer.saveScan(aScanResult());

    // An open read transaction would make a rollback-journal writer wait for its lock and fail.
    const snapshot = new Database(path);
    snapshot.exec('BEGIN');
    expect(snapshot.prepare('SELECT count(*) FROM scans').pluck().get()).toBe(1);

    const second = await writer.saveScan(aScanResult({ devices: [routedHost()] }));
    expect(snapshot.prepare('SELECT count(*) FROM scans').pluck().get()).toBe(1); // its snapshot is unchanged
    expect((await reader.getScan('latest'))?.id).toBe(second); // a new read sees the commit
    snapshot.exec('COMMIT');
    snapshot.close();
  });

  it('reports a database held by another writer as a StoreError naming the file', async () => {
    const path = join(newDir(), 'camaudit.db');
    await (await open(path)).close();
    const store = await openSqliteStore(path, { busyTimeoutMs: 50 });
    opened.push(store);
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const err: unknown = await store.saveScan(aScanResult()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as Error).message).toContain(path);
      expect((err as Error).message).toMatch(/locked/);
      expect(await store.listScans()).toEqual([]); // reads still work
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });
});
