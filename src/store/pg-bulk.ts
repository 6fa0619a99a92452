// A scan's own rows written to PostgreSQL in a few statements instead of one per row: a round trip per
// device and per observation is what limits a sensor far from the central server. Device ids are taken from
// the table's sequence first, so each observation knows its device without relying on RETURNING order.
// The rows are the SQLite store's (sqlite-rows.ts params), so both backends store the same values.
import type { ScanResult } from '../core/types.js';
import type { PgDb } from './pg-db.js';
import { deviceParams, observationParams, type SavedDevice } from './sqlite-rows.js';
import type { EntityNames } from './store.js';

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table. */
const BATCH = 1000;

async function insertRows(db: PgDb, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    const text = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${batch.map(() => tuple).join(', ')}`;
    await db.query(text, batch.flatMap((r) => columns.map((c) => r[c])), true);
  }
}

/** Devices and observations of a saved scans row, returning the devices rows; runs inside the save transaction. */
export async function insertDevicesBulk(db: PgDb, scanId: number, result: ScanResult, names: EntityNames): Promise<SavedDevice[]> {
  const n = result.devices.length;
  if (n === 0) return [];
  const ids = (await db.query("SELECT nextval(pg_get_serial_sequence('devices', 'id')) AS id FROM generate_series(1, ?)", [n], true)).rows.map(
    (r: { id: number }) => r.id,
  );
  const rows = result.devices.map((d, i) => ({ id: ids[i]!, ...deviceParams(scanId, d, names) }));
  await insertRows(db, 'devices', rows);
  await insertRows(db, 'observations', result.devices.flatMap((d, i) => d.observations.map((o) => observationParams(scanId, ids[i]!, o))));
  return rows;
}
