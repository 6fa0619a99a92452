import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { useTempDir } from './temp.js';

const newDir = useTempDir();
// Every table of every migration, sorted: 1 initial, 2 inventory, 3 schedules, 5 sites.
const TABLES = [
  'alerts', 'asset_history', 'assets', 'camaudit_meta', 'daemons', 'devices', 'finding_history', 'findings', 'observations',
  'pushed_scans', 'scans', 'schedule_locks', 'schedule_runs', 'schedules',
];

function schemaOf(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }),
      journal: db.pragma('journal_mode', { simple: true }),
      tables: db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all(),
      marker: db.prepare("SELECT value FROM camaudit_meta WHERE key = 'application'").pluck().get(),
    };
  } finally {
    db.close();
  }
}

describe('migrations', () => {
  it('are numbered 1..N without gaps, so user_version is the count applied', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('build the schema from zero in a new file, in WAL mode', async () => {
    const path = join(newDir(), 'camaudit.db');
    const store = await openSqliteStore(path);
    await store.close();
    expect(schemaOf(path)).toEqual({ version: SCHEMA_VERSION, journal: 'wal', tables: TABLES, marker: 'camaudit' });
  });

  it('build the schema from zero in :memory:', async () => {
    const store = await openSqliteStore(':memory:');
    expect(await store.listScans()).toEqual([]);
    await store.close();
  });

  it('are not re-applied when a migrated file is opened again', async () => {
    const path = join(newDir(), 'camaudit.db');
    await (await openSqliteStore(path)).close();
    const again = await openSqliteStore(path); // would fail on CREATE TABLE if migrations ran twice
    await again.close();
    expect(schemaOf(path).version).toBe(SCHEMA_VERSION);
  });

  it('accept an existing empty file as a new database', async () => {
    const path = join(newDir(), 'empty.db');
    new Database(path).close(); // zero bytes
    await (await openSqliteStore(path)).close();
    expect(schemaOf(path).tables).toEqual(TABLES);
  });
});
