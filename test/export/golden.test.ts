// The builder scenarios saved, read back and exported. Review test/golden/* diffs as output-contract changes;
// regenerate with `npx vitest run test/export -u`.
import { describe, expect, it } from 'vitest';
import type { ExportDevice, ExportDocument } from '../../src/core/types.js';
import { toCsv } from '../../src/export/csv.js';
import { ndjsonWriter, toJson } from '../../src/export/json.js';
import { writeAll } from '../../src/export/writer.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { aScanResult, entityNames, hikvisionCamera, routedHost } from '../store/builders.js';

// Ids and the clock depend on the database and the day the test runs, not on the export code.
function normaliseDevice(d: ExportDevice): ExportDevice {
  return { ...d, assetId: 0, finding: d.finding ? { ...d.finding, id: 0, updatedAt: '<updated-at>' } : null };
}

function normalise(doc: ExportDocument): ExportDocument {
  return { scan: { ...doc.scan, id: 0, startedAt: '<started-at>', finishedAt: '<finished-at>' }, devices: doc.devices.map(normaliseDevice) };
}

async function oneScan(): Promise<ExportDocument> {
  const store = await openSqliteStore(':memory:', { names: entityNames });
  try {
    await store.saveScan(aScanResult());
    const doc = await store.exportDocument('latest');
    if (!doc) throw new Error('saved scan not found');
    return normalise(doc);
  } finally {
    await store.close();
  }
}

/** Two weeks of an inventory: the Hikvision camera moved and was updated, then granted an exception; the Axis camera left. */
async function inventory(): Promise<ExportDocument> {
  const store = await openSqliteStore(':memory:', { names: entityNames, now: () => new Date('2026-12-09T10:00:00.000Z') });
  try {
    const week = (day: string) => ({ ...aScanResult().scan, startedAt: `2026-12-${day}T09:00:00.000Z`, finishedAt: `2026-12-${day}T09:00:42.000Z` });
    await store.saveScan(aScanResult({ scan: week('01') }));
    const moved = hikvisionCamera({ ip: '198.18.0.40', attribution: { firmware: 'V5.7.15 build 230316' } });
    await store.saveScan(aScanResult({ scan: week('08'), devices: [moved, routedHost()] }));
    const [finding] = await store.findings();
    await store.changeFinding(finding!.id, { status: 'exception', owner: 'facilities', note: 'lobby, replacement ordered (FAC-118)', expires: '2027-01-31' }, 'ada');
    const doc = await store.exportDocument('latest');
    return normalise({ scan: doc!.scan, devices: await store.inventory() });
  } finally {
    await store.close();
  }
}

describe('export golden files', () => {
  it('CSV', async () => {
    await expect(toCsv(await oneScan())).toMatchFileSnapshot('../golden/export.csv');
  });

  it('JSON', async () => {
    await expect(toJson(await oneScan())).toMatchFileSnapshot('../golden/export.json');
  });

  it('CSV of an inventory with history and a finding under exception', async () => {
    await expect(toCsv(await inventory())).toMatchFileSnapshot('../golden/inventory.csv');
  });

  it('NDJSON of the same inventory', async () => {
    await expect(writeAll(ndjsonWriter(), (await inventory()).devices)).toMatchFileSnapshot('../golden/inventory.ndjson');
  });
});
