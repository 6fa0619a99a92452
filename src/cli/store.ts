// Opening the inventory for a command: `--db` (or $CAMAUDIT_DB) is a SQLite file, the embedded default, or a
// postgres:// URL, the central inventory a fleet of sensors shares. The entity names of the vendor-db in use
// are stored with each device so exports never need vendor-db again.
import { UsageError } from '../core/errors.js';
import type { ScanResult } from '../core/types.js';
import type { Knowledge } from '../knowledge/types.js';
import { hasPassword, isPostgresUrl, redactUrl } from '../store/pg-url.js';
import type { ScheduleStore } from '../store/schedule-store.js';
import { checkSqlitePath } from '../store/sqlite-path.js';
import type { EntityNames, Store } from '../store/store.js';

// Each backend is imported only when opened: loading pg costs every SQLite command 0.1-0.3 s, and `scan` opens its
// SQLite store (better-sqlite3, ~30 ms to load) only once its first packets are out.
export async function openStore(db: string, knowledge?: Knowledge): Promise<Store> {
  const opts = namesOf(knowledge);
  if (!isPostgresUrl(checkDb(db))) return (await import('../store/sqlite.js')).openSqliteStore(db, opts);
  return (await import('../store/postgres.js')).openPostgresStore(db, opts);
}

function namesOf(knowledge: Knowledge | undefined): { names?: EntityNames } {
  return knowledge ? { names: (id) => knowledge.entities.get(id)?.name ?? null } : {};
}

/**
 * For a SQLite database: where a scan goes when the file stays locked past the busy timeout (another
 * process writing for long): a database of its own beside it, which `camaudit push` adds later. A
 * PostgreSQL server retries instead, so it has none.
 */
export function keepBeside(db: string, knowledge?: Knowledge): ((result: ScanResult) => Promise<string>) | undefined {
  if (isPostgresUrl(db) || db === ':memory:') return undefined;
  return async (result) => {
    const path = `${db}.unsaved-${result.scan.startedAt.replace(/[:.]/g, '-')}.db`;
    const side = await (await import('../store/sqlite.js')).openSqliteStore(path, namesOf(knowledge));
    try {
      await side.saveScan(result);
    } finally {
      await side.close();
    }
    return `the scan was saved to ${path} instead; add it with: camaudit push --from ${path} --to ${db}`;
  };
}

/** The schedules of the same database. */
export async function openScheduleStore(db: string): Promise<ScheduleStore> {
  if (!isPostgresUrl(checkDb(db))) return (await import('../store/sqlite-schedules.js')).openSqliteScheduleStore(db);
  return (await import('../store/pg-schedules.js')).openPostgresScheduleStore(db);
}

/**
 * What can be refused about a database argument without opening it. A password is never part of it (as for every
 * credential: README "Credentials"): a URL shows in `ps`, shell history and every message that names the database.
 * PostgreSQL clients read it from PGPASSWORD or ~/.pgpass (PGPASSFILE) instead.
 */
export function checkDb(db: string): string {
  if (!isPostgresUrl(db)) checkSqlitePath(db);
  else if (hasPassword(db)) {
    throw new UsageError(`refusing the password in ${redactUrl(db)}: give it in PGPASSWORD or ~/.pgpass instead (a URL shows in ps and shell history)`);
  }
  return db;
}
