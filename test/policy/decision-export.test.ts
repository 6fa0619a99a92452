// The policy decision travels with the device: stored with the scan, read back, and written by the JSON and
// CSV exports and by `explain`, for a flag and for a non-flag an exception made.
import { describe, expect, it } from 'vitest';
import { renderExplanation } from '../../src/cli/commands/explain.js';
import type { PolicyDecision } from '../../src/core/types.js';
import { toCsv } from '../../src/export/csv.js';
import { toJson } from '../../src/export/json.js';
import { exportRow } from '../../src/export/row.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { aJudgedDevice, anObservation, entityNames, FCC_ROW_4 } from '../store/builders.js';

const EXCEPTED: PolicyDecision = {
  flagged: false,
  rules: [{ rule: 'exceptions[0]', at: 'policy.yaml:17', text: 'exception for serial 2J01018PAA00813: replacement ordered (approved by J. Smith, until 2027-03-31)' }],
  rows: [{ list: 'us-fcc-covered-list', row: 'row 5', effect: 'excepted' }],
};
const FLAGGED: PolicyDecision = {
  flagged: true,
  rules: [{ rule: 'lists', at: 'vendor-db default policy', text: 'default lists: us-fcc-covered-list' }],
  rows: [{ list: 'us-fcc-covered-list', row: 'row 4', effect: 'flags' }],
};

async function saved() {
  const store = await openSqliteStore(':memory:', { names: entityNames });
  const observations = (ip: string) => [anObservation({ ip, source: 'nmap', key: 'arp.mac', value: '28:57:be:aa:bb:01' })];
  await store.saveScan({
    scan: { startedAt: '2026-12-02T08:00:00.000Z', finishedAt: '2026-12-02T08:01:00.000Z', targets: ['198.18.0.0/24'], status: 'complete', policy: ['us-fcc-covered-list'] },
    runs: [],
    devices: [
      aJudgedDevice({
        ip: '198.18.0.10', mac: '28:57:be:aa:bb:01', macSource: 'nmap', observations: observations('198.18.0.10'),
        attribution: { manufacturer: 'hikvision', confidence: 'high' },
        restriction: { entity: 'hikvision', lists: [FCC_ROW_4], basis: 'manufacturer', confidence: 'high', evidence: [] },
        decidedBy: FLAGGED,
      }),
      aJudgedDevice({ ip: '198.18.0.17', attribution: { manufacturer: 'dahua', serial: '2J01018PAA00813', confidence: 'high' }, decidedBy: EXCEPTED }),
      aJudgedDevice({ ip: '198.18.0.20' }),
    ],
  });
  const doc = (await store.exportDocument('latest'))!;
  await store.close();
  return doc;
}

describe('decidedBy in the store and the exports', () => {
  it('is stored with each device and read back; null where no rule decided anything', async () => {
    const doc = await saved();
    expect(doc.devices.map((d) => [d.ip, d.flagged, d.decidedBy])).toEqual([
      ['198.18.0.10', true, FLAGGED],
      ['198.18.0.17', false, EXCEPTED],
      ['198.18.0.20', false, null],
    ]);
  });

  it('is a key of every JSON device, after the existing keys', async () => {
    const json = JSON.parse(toJson(await saved())) as { devices: Record<string, unknown>[] };
    const keys = Object.keys(json.devices[0]!);
    expect(keys.indexOf('decidedBy')).toBeGreaterThan(keys.indexOf('conflicts'));
    expect(json.devices[1]!['decidedBy']).toEqual(EXCEPTED);
    expect(json.devices[2]!['decidedBy']).toBeNull();
  });

  it('is two CSV columns after the existing ones', async () => {
    const doc = await saved();
    const header = toCsv(doc).split('\r\n')[0]!.split(',');
    expect(header.slice(-2)).toEqual(['decided_by', 'decided_by_rows']);
    expect(exportRow(doc.devices[1]!)).toMatchObject({
      decided_by: 'exceptions[0] (policy.yaml:17): exception for serial 2J01018PAA00813: replacement ordered (approved by J. Smith, until 2027-03-31)',
      decided_by_rows: 'us-fcc-covered-list:row 5 excepted',
    });
    expect(exportRow(doc.devices[2]!)).toMatchObject({ decided_by: '', decided_by_rows: '' });
  });

  it('is printed by explain, with why a listed maker was not flagged', async () => {
    const doc = await saved();
    const text = renderExplanation(doc, doc.devices[1]!);
    expect(text).toContain('Verdict: not flagged: exceptions[0] (policy.yaml:17) set aside the list rows below');
    expect(text).toContain('Decided by:\n  exceptions[0] (policy.yaml:17): exception for serial 2J01018PAA00813');
    expect(text).toContain('  us-fcc-covered-list, row 5: would flag it, but an exception covers the device');
    expect(renderExplanation(doc, doc.devices[0]!)).toContain('  us-fcc-covered-list, row 4: flags this device');
  });
});
