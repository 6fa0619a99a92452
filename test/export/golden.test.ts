// The builder scenario saved, read back and exported. Review test/golden/* diffs as output-contract changes;
// regenerate with `npx vitest run test/export -u`.
import { describe, expect, it } from 'vitest';
import type { ExportDocument } from '../../src/core/types.js';
import { toCsv } from '../../src/export/csv.js';
import { toJson } from '../../src/export/json.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { aScanResult, entityNames } from '../store/builders.js';

// Ids and times depend on the database and the clock, not on the export code.
function normalise(doc: ExportDocument): ExportDocument {
  return { ...doc, scan: { ...doc.scan, id: 0, startedAt: '<started-at>', finishedAt: '<finished-at>' } };
}

async function scenario(): Promise<ExportDocument> {
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

describe('export golden files', () => {
  it('CSV', async () => {
    await expect(toCsv(await scenario())).toMatchFileSnapshot('../golden/export.csv');
  });

  it('JSON', async () => {
    await expect(toJson(await scenario())).toMatchFileSnapshot('../golden/export.json');
  });
});
