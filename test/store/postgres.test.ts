// What only the PostgreSQL backend has to get right: a real server's schema, refusals that never print a
// password, many writers at once, and locks shared between connections.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/core/errors.js';
import type { ScanResult } from '../../src/core/types.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { PgDb } from '../../src/store/pg-db.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { aJudgedDevice, aScanResult, axisCamera, routedHost } from './builders.js';
import { usePg } from '../pg/cluster.js';
import { useTempDir } from './temp.js';

const pgTest = usePg();
const newDir = useTempDir();

async function sql<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

const withPassword = (url: string): string => url.replace('postgres@', 'postgres:hunter2@');

async function refusal(url: string): Promise<StoreError> {
  const err: unknown = await openPostgresStore(url).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StoreError);
  const message = (err as StoreError).message;
  expect(message).not.toContain('hunter2');
  expect(message).not.toContain('\n');
  return err as StoreError;
}

const atSite = (site: string, sensor: string, devices = aScanResult().devices): ScanResult => aScanResult({ devices, scan: { ...aScanResult().scan, site, sensor } });

describe('postgres store: schema', () => {
  it('builds the same tables as SQLite from zero, and records the schema version', async () => {
    const url = pgTest.freshDatabase();
    await (await openPostgresStore(url)).close();
    await (await openPostgresStore(url)).close(); // opening again applies nothing twice
    const path = join(newDir(), 'camaudit.db');
    await (await openSqliteStore(path)).close();
    const db = new Database(path, { readonly: true });
    const sqliteTables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    db.close();
    const pgTables = await sql<{ table_name: string }>(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    expect(pgTables.map((t) => t.table_name)).toEqual(sqliteTables);
    expect(await sql(url, "SELECT value FROM camaudit_meta WHERE key IN ('application', 'schema_version') ORDER BY key")).toEqual([
      { value: 'camaudit' },
      { value: String(SCHEMA_VERSION) },
    ]);
  });

  it('keeps the CHECKs: rows with invalid JSON or an unknown vocabulary are refused by the server', async () => {
    const url = pgTest.freshDatabase();
    await (await openPostgresStore(url)).close();
    const insert = (targets: string, status: string) =>
      sql(url, `INSERT INTO scans (started_at, finished_at, status, targets, policy, runs, saved_at) VALUES ('a', 'b', '${status}', '${targets}', '[]', '[]', 'c')`);
    await expect(insert('not json', 'complete')).rejects.toThrow(/invalid input syntax for type json/);
    await expect(insert('[]', 'paused')).rejects.toThrow(/check constraint/);
    await expect(insert('["198.18.0.0/24"]', 'complete')).resolves.toEqual([]);
  });

  it('refuses a database with tables of its own, and leaves it unchanged', async () => {
    const url = pgTest.freshDatabase();
    await sql(url, "CREATE TABLE contacts (name text); INSERT INTO contacts VALUES ('Ada')");
    const err = await refusal(withPassword(url));
    expect(err.message).toMatch(/is not a camaudit database/);
    expect(err.message).toContain('postgres:***@127.0.0.1');
    expect(await sql(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).toEqual([{ table_name: 'contacts' }]);
  });

  it('refuses a database from a newer camaudit', async () => {
    const url = pgTest.freshDatabase();
    await (await openPostgresStore(url)).close();
    await sql(url, `UPDATE camaudit_meta SET value = '${SCHEMA_VERSION + 1}' WHERE key = 'schema_version'`);
    expect((await refusal(url)).message).toMatch(new RegExp(`newer camaudit \\(schema ${SCHEMA_VERSION + 1} > ${SCHEMA_VERSION}\\)`));
  });

  it('names an unreachable server without its password', async () => {
    const err = await refusal(`postgres://sensor:hunter2@127.0.0.1:1/camaudit?connect_timeout=2`);
    expect(err.message).toMatch(/^cannot connect to postgres:\/\/sensor:\*\*\*@127\.0\.0\.1:1\/camaudit/);
  });
});

describe('postgres store: many writers', () => {
  it('20 sensors opening a new database and saving at once lose nothing and make no duplicate assets', async () => {
    const url = pgTest.freshDatabase();
    const sensors = Array.from({ length: 20 }, (_, i) => i);
    // Two sites, ten sensors each, all scanning the same three devices: one site's sensors race for its assets.
    const stores = await Promise.all(sensors.map(() => openPostgresStore(url)));
    try {
      const ids = await Promise.all(stores.map((s, i) => s.saveScan(atSite(i % 2 ? 'lyon' : 'berlin', `sensor-${i}`))));
      expect(new Set(ids).size).toBe(20);
      const scans = await stores[0]!.listScans();
      expect(scans).toHaveLength(20);
      expect(scans.every((s) => s.deviceCount === 3 && s.flaggedCount === 1)).toBe(true);
      const inventory = await stores[0]!.inventory();
      expect(inventory).toHaveLength(6); // three devices at each of two sites
      expect((await stores[0]!.findings()).map((f) => f.status)).toEqual(['open', 'open']);
      const [count] = await sql<{ n: string }>(url, 'SELECT count(*) AS n FROM observations');
      expect(Number(count!.n)).toBe(20 * aScanResult().devices.flatMap((d) => d.observations).length);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  }, 120_000);

  it('runs a transaction that lost a deadlock again, so both writers finish', async () => {
    const url = pgTest.freshDatabase();
    await sql(url, 'CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL); INSERT INTO counters VALUES (1, 0), (2, 0)');
    const [a, b] = await Promise.all([PgDb.connect(url), PgDb.connect(url)]);
    try {
      // Each locks one row, waits until the other has locked its row, then wants the other's: a deadlock
      // PostgreSQL breaks by failing one of them with 40P01. Only on the first attempt, so the retry can finish.
      let attempts = 0;
      let arrived = 0;
      const bothLocked = () => new Promise<void>((resolve) => {
        arrived++;
        const poll = setInterval(() => arrived >= 2 && (clearInterval(poll), resolve()), 5);
      });
      const writer = (db: PgDb, first: number, second: number) =>
        db.transaction(async () => {
          attempts++;
          await db.query('UPDATE counters SET n = n + 1 WHERE id = ?', [first]);
          if (attempts <= 2) await bothLocked();
          await db.query('UPDATE counters SET n = n + 1 WHERE id = ?', [second]);
        });
      await Promise.all([writer(a, 1, 2), writer(b, 2, 1)]);
      expect(attempts).toBe(3); // two first attempts, one of them retried once
      expect(await sql(url, 'SELECT id, n FROM counters ORDER BY id')).toEqual([{ id: 1, n: 2 }, { id: 2, n: 2 }]);
    } finally {
      await a.close();
      await b.close();
    }
  }, 30_000);

  it('gives a named lock to one connection; a holder that goes away frees it', async () => {
    const url = pgTest.freshDatabase();
    const a = await openPostgresStore(url);
    const b = await openPostgresStore(url);
    try {
      expect(await a.tryLock('schedule:nightly@berlin')).not.toBeNull();
      expect(await b.tryLock('schedule:nightly@berlin')).toBeNull();
      await a.close(); // a crashed daemon's connection ends the same way
      expect(await b.tryLock('schedule:nightly@berlin')).not.toBeNull();
    } finally {
      await b.close();
    }
  });

  it('accepts a unix-socket URL, which reaches the server from any network namespace', async () => {
    const url = pgTest.freshDatabase(true);
    expect(url).toMatch(/^postgres:\/\/postgres@\/t\d+_\d+\?host=%2F/);
    const store = await openPostgresStore(url);
    try {
      const id = await store.saveScan(aScanResult({ devices: [routedHost(), axisCamera(), aJudgedDevice({ ip: '198.18.0.77' })] }));
      expect((await store.exportDocument(id))?.devices).toHaveLength(3);
    } finally {
      await store.close();
    }
  });
});
