// A database camaudit cannot use is refused with one line naming the file, and left byte-identical.
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/core/errors.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { sha256, useTempDir } from './temp.js';

const newDir = useTempDir();

async function expectRefusal(path: string, message: RegExp): Promise<void> {
  const before = sha256(path);
  const err: unknown = await openSqliteStore(path).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).message).toMatch(message);
  expect((err as StoreError).message).toContain(path);
  expect((err as StoreError).message).not.toContain('\n');
  expect(sha256(path)).toBe(before);
  expect(existsSync(`${path}-wal`)).toBe(false);
}

describe('openSqliteStore refuses', () => {
  it('a SQLite database that is not camaudit’s (tables, user_version 0, no marker)', async () => {
    const path = join(newDir(), 'other-app.db');
    const db = new Database(path);
    db.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada')");
    db.close();
    await expectRefusal(path, /is not a camaudit database/);
  });

  it('a SQLite database with a user_version of its own but no marker', async () => {
    const path = join(newDir(), 'versioned.db');
    const db = new Database(path);
    db.exec('CREATE TABLE scans (id INTEGER PRIMARY KEY); PRAGMA user_version = 1');
    db.close();
    await expectRefusal(path, /is not a camaudit database/);
  });

  it('a file that is not a SQLite database', async () => {
    const path = join(newDir(), 'notes.db');
    writeFileSync(path, randomBytes(4096));
    await expectRefusal(path, /is not a SQLite database/);
  });

  it('a short text file', async () => {
    const path = join(newDir(), 'hello.txt');
    writeFileSync(path, 'hello, world\n');
    await expectRefusal(path, /is not a SQLite database/);
  });

  it('a camaudit database from a newer version', async () => {
    const path = join(newDir(), 'future.db');
    await (await openSqliteStore(path)).close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.pragma('journal_mode = DELETE'); // fold the WAL in so the hash covers the whole database
    db.close();
    await expectRefusal(path, new RegExp(`created by a newer camaudit \\(schema ${SCHEMA_VERSION + 1} > ${SCHEMA_VERSION}\\)`));
  });

  it('a path whose directory does not exist', async () => {
    const path = join(newDir(), 'missing', 'camaudit.db');
    await expect(openSqliteStore(path)).rejects.toThrow(StoreError);
    await expect(openSqliteStore(path)).rejects.toThrow(/missing/);
    expect(existsSync(join(path, '..'))).toBe(false);
  });
});
