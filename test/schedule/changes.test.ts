// What a scheduled scan alerts on, and how the alert reads (JSON payload, Slack text).
import { describe, expect, it } from 'vitest';
import type { ExportDevice, ExportDocument } from '../../src/core/types.js';
import { changesSince, deviceKey } from '../../src/schedule/changes.js';
import { buildPayload, slackText } from '../../src/schedule/payload.js';
import { anExportDevice, flaggedHikvision } from '../export/devices.js';

function doc(id: number, devices: readonly ExportDevice[], status: 'complete' | 'interrupted' = 'complete'): ExportDocument {
  return { scan: { id, startedAt: '2026-11-26T09:00:00.000Z', finishedAt: '2026-11-26T09:00:42.000Z', targets: ['198.18.0.0/24'], status }, devices };
}

const camera = flaggedHikvision; // keyed by its MAC
const radio = { ...flaggedHikvision, ip: '198.18.0.16', mac: '00:1e:ed:00:00:16', model: 'PD785' };
const routed = { ...flaggedHikvision, ip: '198.19.1.20', mac: null }; // behind a router: keyed by address
const printer = anExportDevice({ ip: '198.18.0.30', mac: '00:11:22:33:44:55' });

const ips = (ds: readonly ExportDevice[]) => ds.map((d) => d.ip);

describe('changesSince', () => {
  it('reports every flagged device as new on the first scan, and nothing as gone', () => {
    const c = changesSince(null, doc(1, [camera, printer, routed]));
    expect(ips(c.newFindings)).toEqual([camera.ip, routed.ip]);
    expect(c.reopenedFindings).toEqual([]);
    expect(c.disappeared).toEqual([]);
  });

  it('reports nothing when the same devices are seen again, even at another address', () => {
    const moved = { ...camera, ip: '198.18.0.99' }; // same MAC: same device
    const c = changesSince(doc(1, [camera, printer]), doc(2, [moved, printer]));
    expect(c).toEqual({ newFindings: [], reopenedFindings: [], disappeared: [] });
  });

  it('reports a device that was there and is not, flagged or not', () => {
    const c = changesSince(doc(1, [camera, printer, radio]), doc(2, [camera]));
    expect(ips(c.disappeared)).toEqual([printer.ip, radio.ip]);
    expect(c.newFindings).toEqual([]);
  });

  it('reports a device flagged now and unflagged before as a new finding', () => {
    const before = { ...radio, flagged: false, restriction: null };
    expect(ips(changesSince(doc(1, [before]), doc(2, [radio])).newFindings)).toEqual([radio.ip]);
  });

  it('tells a finding that came back (flagged in an earlier scan) from a new one', () => {
    const earlier = [doc(1, [camera, radio])];
    const c = changesSince(doc(2, [camera]), doc(3, [camera, radio, routed]), earlier);
    expect(ips(c.reopenedFindings)).toEqual([radio.ip]);
    expect(ips(c.newFindings)).toEqual([routed.ip]);
  });

  it('does not call devices gone when the scan was interrupted (it did not look everywhere)', () => {
    const c = changesSince(doc(1, [camera, printer]), doc(2, [radio], 'interrupted'));
    expect(c.disappeared).toEqual([]);
    expect(ips(c.newFindings)).toEqual([radio.ip]);
  });

  it('follows the inventory asset when the store provides one (the MAC changed, the asset did not)', () => {
    const a = { ...camera, assetId: 4 };
    const b = { ...camera, mac: '28:57:be:aa:bb:02', assetId: 4 };
    expect(deviceKey(a)).toBe(deviceKey(b));
    expect(changesSince(doc(1, [a]), doc(2, [b]))).toEqual({ newFindings: [], reopenedFindings: [], disappeared: [] });
  });
});

describe('the alert payload', () => {
  const prev = doc(1, [camera, printer]);
  const cur = doc(2, [camera, radio]);
  const payload = buildPayload('office', cur, prev, changesSince(prev, cur));

  it('names the schedule, both scans and the counts, and carries export records', () => {
    expect(payload).toMatchObject({
      event: 'camaudit.changes',
      version: 1,
      schedule: 'office',
      scan: { id: 2, targets: ['198.18.0.0/24'], status: 'complete', devices: 2, flagged: 2 },
      previousScanId: 1,
      counts: { newFindings: 1, reopenedFindings: 0, disappeared: 1 },
    });
    expect(payload.newFindings).toEqual([radio]);
    expect(payload.disappeared).toEqual([printer]);
  });

  it('reads as one Slack message, one line per device', () => {
    const text = slackText(payload);
    expect(text.split('\n')).toEqual([
      'camaudit: 1 new restricted device, 1 device gone in scan 2 of 198.18.0.0/24 (schedule office)',
      '• NEW 198.18.0.16 Hangzhou Hikvision Digital Technology Co., Ltd. PD785 00:1e:ed:00:00:16 (us-fcc-covered-list, us-ndaa-fy2019-sec889)',
      '• GONE 198.18.0.30 unknown maker 00:11:22:33:44:55',
    ]);
  });

  it('cannot be used by a device to mention a whole Slack workspace or break lines', () => {
    const hostile = { ...radio, model: '<!channel> pwned\n• NEW fake' };
    const text = slackText(buildPayload('office', doc(3, [hostile]), null, changesSince(null, doc(3, [hostile]))));
    expect(text).toContain('&lt;!channel&gt; pwned?• NEW fake');
    expect(text).not.toContain('<!channel>');
    expect(text.split('\n')).toHaveLength(2);
  });

  it('caps a long Slack message and says how to see the rest', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ ...radio, ip: `198.18.0.${100 + i}`, mac: null }));
    const lines = slackText(buildPayload('office', doc(9, many), null, changesSince(null, doc(9, many)))).split('\n');
    expect(lines).toHaveLength(22);
    expect(lines.at(-1)).toBe('…and 10 more (camaudit export --scan 9)');
  });
});
