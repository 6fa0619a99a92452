import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/migrations.js';
import { openSqliteScheduleStore } from '../../src/store/sqlite-schedules.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { useTempDir } from './temp.js';

const newDir = useTempDir();
// Every table of every migration, sorted: 1 initial, 2 inventory, 3 schedules, 5 sites, 6 fleet schedules.
const TABLES = [
  'alerts', 'asset_history', 'assets', 'camaudit_meta', 'daemons', 'devices', 'finding_history', 'findings', 'observations',
  'pushed_scans', 'scans', 'schedule_locks', 'schedule_runs', 'schedule_slots', 'schedules',
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

  it('keep a schedule\'s last slot and runs when schedules become per site (5 → 6)', async () => {
    const path = join(newDir(), 'v5.db');
    const db = new Database(path);
    for (const m of MIGRATIONS.filter((m) => m.version <= 5)) db.exec(m.sql);
    db.pragma('user_version = 5');
    const slot = '2026-05-01T01:00:00.000Z';
    db.prepare(`INSERT INTO schedules (name, cron, timezone, targets, settings, channels, created_at, last_slot)
      VALUES ('office', '0 3 * * *', 'UTC', '[]', '{"sweep":"auto","nmapPath":"nmap","timeout":1000}', '[]', '2026-04-30T00:00:00.000Z', ?)`).run(slot);
    db.prepare(`INSERT INTO schedule_runs (schedule, slot, trigger, started_at, status, pid, host) VALUES ('office', ?, 'cron', ?, 'complete', 1, 'h')`).run(slot, slot);
    db.close();
    const schedules = await openSqliteScheduleStore(path);
    expect((await schedules.getSchedule('office', 'any-site'))!.lastSlot).toBe(slot); // the upgrade runs nothing extra
    expect((await schedules.listRuns()).map((r) => [r.site, r.slot])).toEqual([['', slot]]);
    await schedules.close();
    expect(schemaOf(path).version).toBe(SCHEMA_VERSION);
  });
});
