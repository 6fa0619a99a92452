// What every backend must do the same way: the same tests on SQLite and on a real PostgreSQL server.
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { Confidence, ScanResult } from '../../src/core/types.js';
import { aJudgedDevice, aScanResult, axisCamera, entityNames, FCC_ROW_4, hikvisionCamera, NDAA_889, routedHost } from './builders.js';
import { useBackends } from './backends.js';
import { useTempDir } from './temp.js';

const backends = useBackends(useTempDir());
const NOW = () => new Date('2026-11-26T09:01:00.000Z');

function at(site: string, day: number, devices = aScanResult().devices, o: Partial<ScanResult['scan']> = {}): ScanResult {
  const startedAt = `2026-12-${String(day).padStart(2, '0')}T09:00:00.000Z`;
  return aScanResult({ devices, scan: { ...aScanResult().scan, startedAt, finishedAt: startedAt.replace(':00:00', ':00:42'), site, sensor: `${site}-sensor`, ...o } });
}

describe.each(backends)('$name store', (backend) => {
  const open = () => backend.open({ names: entityNames, now: NOW });

  it('round-trips a scan: flagged first, then IP numerically, names and citations kept', async () => {
    const store = await open();
    const ips = ['198.18.0.100', '198.18.0.9', '10.0.0.1', '2001:db8::1'];
    const id = await store.saveScan(aScanResult({ devices: [...ips.map((ip) => aJudgedDevice({ ip })), hikvisionCamera()] }));
    const doc = await store.exportDocument(id);
    expect(doc?.scan).toEqual({ id, startedAt: '2026-11-26T09:00:00.000Z', finishedAt: '2026-11-26T09:00:42.000Z', targets: aScanResult().scan.targets, status: 'complete' });
    expect(doc?.devices.map((d) => d.ip)).toEqual(['198.18.0.10', '10.0.0.1', '198.18.0.9', '198.18.0.100', '2001:db8::1']);
    expect(doc?.devices[0]).toMatchObject({
      manufacturerName: 'Hangzhou Hikvision Digital Technology Co., Ltd.',
      flagged: true,
      restriction: { entity: 'hikvision', lists: ['us-fcc-covered-list', 'us-ndaa-fy2019-sec889'], citations: [FCC_ROW_4, NDAA_889], basis: 'manufacturer' },
      evidence: hikvisionCamera().attribution.evidence,
      conflicts: hikvisionCamera().attribution.conflicts,
      finding: { status: 'open' },
    });
    expect((await store.exportDocument('latest', { flaggedOnly: true }))?.devices.map((d) => d.ip)).toEqual(['198.18.0.10']);
  });

  it('resolves latest and unknown refs, lists newest first with counts, site and sensor', async () => {
    const store = await open();
    expect(await store.getScan('latest')).toBeNull();
    const { site: _site, sensor: _sensor, ...unnamed } = aScanResult().scan;
    const first = await store.saveScan(aScanResult({ scan: unnamed })); // site and sensor default to the host name
    const second = await store.saveScan(at('berlin', 2, [axisCamera()], { status: 'interrupted' }));
    expect((await store.getScan('latest'))?.id).toBe(second);
    expect(await store.getScan(second + 1)).toBeNull();
    expect(await store.getScan(1.5)).toBeNull();
    expect(await store.getScan(first)).toEqual({ id: first, ...unnamed, runs: aScanResult().runs, deviceCount: 3, flaggedCount: 1, site: hostname(), sensor: hostname() });
    expect((await store.listScans()).map((s) => [s.id, s.status, s.deviceCount, s.flaggedCount, s.site, s.sensor])).toEqual([
      [second, 'interrupted', 1, 0, 'berlin', 'berlin-sensor'],
      [first, 'complete', 3, 1, hostname(), hostname()],
    ]);
  });

  it('saves all of a scan or nothing', async () => {
    const store = await open();
    const bad = axisCamera({ attribution: { confidence: 'certain' as Confidence } });
    await expect(store.saveScan(aScanResult({ devices: [hikvisionCamera(), bad] }))).rejects.toThrow(/check constraint/i);
    expect(await store.listScans()).toEqual([]);
    expect(await store.inventory()).toEqual([]);
    expect(await store.findings()).toEqual([]);
    expect(await store.saveScan(aScanResult())).toBeGreaterThan(0);
  });

  it('keeps device identity per site: the same address or MAC at two sites is two devices', async () => {
    const store = await open();
    await store.saveScan(at('berlin', 1));
    await store.saveScan(at('lyon', 1));
    await store.saveScan(at('berlin', 2));
    const inventory = await store.inventory();
    expect(inventory).toHaveLength(6);
    const cameras = inventory.filter((d) => d.ip === '198.18.0.10');
    expect(new Set(cameras.map((d) => d.assetId)).size).toBe(2);
    expect((await store.findings()).map((f) => f.status)).toEqual(['open', 'open']);
  });

  it('remediates a finding only when a complete scan of its own site misses the device', async () => {
    const store = await open();
    await store.saveScan(at('berlin', 1));
    await store.saveScan(at('lyon', 1));
    await store.saveScan(at('lyon', 2, [axisCamera()])); // the camera is gone from lyon only
    const bySite = new Map<string, string>();
    for (const f of await store.findings()) {
      const [sighting] = (await store.asset(f.device.assetId!))?.sightings ?? [];
      const scan = await store.getScan(sighting!.scanId);
      bySite.set(scan!.site!, f.status);
    }
    expect(Object.fromEntries(bySite)).toEqual({ berlin: 'open', lyon: 'remediated' });
  });

  it('moves a finding by a person and keeps the history', async () => {
    const store = await open();
    await store.saveScan(aScanResult());
    const [finding] = await store.findings();
    expect(await store.changeFinding(finding!.id, { status: 'acknowledged', owner: 'facilities', note: 'ticket 42' }, 'ada')).toBe(true);
    expect(await store.changeFinding(finding!.id + 100, { status: 'acknowledged' }, 'ada')).toBe(false);
    const [after] = await store.findings();
    expect(after).toMatchObject({ status: 'acknowledged', owner: 'facilities', notes: 'ticket 42' });
    expect(after!.history.map((h) => [h.field, h.newValue, h.actor])).toEqual([
      ['status', 'open', null],
      ['status', 'acknowledged', 'ada'],
      ['owner', 'facilities', 'ada'],
      ['note', 'ticket 42', 'ada'],
    ]);
    expect(await store.findAssets('198.18.0.10')).toEqual([finding!.device.assetId]);
    expect(await store.findAssets('28:57:BE:AA:BB:01')).toEqual([finding!.device.assetId]);
  });

  it('re-judges stored devices from their latest sightings', async () => {
    const store = await open();
    await store.saveScan(aScanResult());
    const sightings = await store.latestSightings();
    expect(sightings).toHaveLength(3);
    const camera = sightings.find((s) => s.device.ip === '198.18.0.10')!;
    expect(camera.device.observations).toHaveLength(hikvisionCamera().observations.length);
    const changed = await store.rejudge([{ assetId: camera.assetId, judged: hikvisionCamera({ restriction: null }) }], ['us-fcc-covered-list']);
    expect(changed.map((c) => c.finding)).toEqual([{ from: 'open', to: 'withdrawn' }]);
  });

  it('gives a named lock to one holder at a time, and again once released', async () => {
    const store = await open();
    const lock = await store.tryLock('schedule:weekly@berlin');
    expect(lock).not.toBeNull();
    expect(await store.tryLock('schedule:weekly@berlin')).toBeNull();
    expect(await store.tryLock('schedule:weekly@lyon')).not.toBeNull();
    await lock!.release();
    expect(await store.tryLock('schedule:weekly@berlin')).not.toBeNull();
  });

  it('shares one database between two stores', async () => {
    const where = backend.location();
    const a = await backend.openAt(where, { names: entityNames });
    const b = await backend.openAt(where, { names: () => null });
    const id = await a.saveScan(aScanResult({ devices: [routedHost(), hikvisionCamera()] }));
    expect((await b.exportDocument(id))?.devices[0]?.restriction?.entityName).toBe('Hangzhou Hikvision Digital Technology Co., Ltd.');
  });
});
