// `camaudit push`: a site's offline SQLite file uploaded into the central inventory, once.
import { describe, expect, it } from 'vitest';
import { pushScans } from '../../src/cli/commands/push.js';
import type { ScanResult } from '../../src/core/types.js';
import { aScanResult, axisCamera, entityNames, hikvisionCamera, routedHost } from './builders.js';
import { useBackends } from './backends.js';
import { useTempDir } from './temp.js';

const backends = useBackends(useTempDir());
const sqlite = backends.find((b) => b.name === 'sqlite')!;

function offline(day: number, devices: ScanResult['devices']): ScanResult {
  const startedAt = `2026-10-0${day}T02:00:00.000Z`;
  return aScanResult({ devices, scan: { ...aScanResult().scan, startedAt, finishedAt: startedAt.replace(':00:00', ':05:00'), site: 'depot', sensor: 'depot-pi' } });
}

describe.each(backends)('push into a $name inventory', (backend) => {
  it('uploads every scan with its times, site, sensor, names and observations; a second push adds nothing', async () => {
    const site = await sqlite.openAt(sqlite.location(), { names: entityNames });
    await site.saveScan(offline(1, [hikvisionCamera(), axisCamera(), routedHost()]));
    await site.saveScan(offline(2, [axisCamera(), routedHost()])); // the camera was removed
    const central = await backend.open({ names: () => null }); // its vendor-db knows no names: the site's are kept
    await central.saveScan(aScanResult({ devices: [axisCamera()], scan: { ...aScanResult().scan, site: 'hq' } })); // ids differ from the site's

    const first = await pushScans(site, central);
    expect(first.added.map((m) => m.from)).toEqual([1, 2]);
    expect(first.added.map((m) => m.to)).toEqual([2, 3]);
    expect(first.skipped).toEqual([]);
    const again = await pushScans(site, central);
    expect(again).toEqual({ source: first.source, added: [], skipped: first.added });

    const scans = await central.listScans();
    expect(scans.map((s) => [s.site, s.sensor, s.startedAt, s.deviceCount])).toEqual([
      ['depot', 'depot-pi', '2026-10-02T02:00:00.000Z', 2],
      ['depot', 'depot-pi', '2026-10-01T02:00:00.000Z', 3],
      ['hq', expect.any(String), '2026-11-26T09:00:00.000Z', 1],
    ]);
    const pushed = await central.exportDocument(2);
    expect(pushed?.devices[0]?.restriction?.entityName).toBe('Hangzhou Hikvision Digital Technology Co., Ltd.');
    expect((await central.loadScan(2))?.result.devices.map((d) => d.observations.length)).toEqual(
      (await site.loadScan(1))?.result.devices.map((d) => d.observations.length),
    );
    // The inventory saw the pushed scans in order: the depot's camera was found, then remediated by its absence.
    const findings = await central.findings();
    expect(findings.map((f) => [f.device.ip, f.status])).toEqual([['198.18.0.10', 'remediated']]);
  });
});
