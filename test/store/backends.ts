// The store's backends for tests that must hold on both: `describe.each(useBackends())`. Each open() gives
// an empty database: SQLite in memory, PostgreSQL a fresh database in this file's cluster.
import { afterEach } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { EntityNames, Store } from '../../src/store/store.js';
import { usePg, type PgForTests } from '../pg/cluster.js';

export interface StoreOptions {
  readonly names?: EntityNames;
  readonly now?: () => Date;
}

export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** An empty store. */
  open(opts?: StoreOptions): Promise<Store>;
  /** A new database (a file path or URL) that several openAt() calls can share. */
  location(): string;
  openAt(location: string, opts?: StoreOptions): Promise<Store>;
}

/** Call at module level: registers the cluster and closes every store after each test. */
export function useBackends(newDir: () => string): Backend[] {
  const pg: PgForTests = usePg();
  const opened: Store[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  const track = async (p: Promise<Store>): Promise<Store> => {
    const store = await p;
    opened.push(store);
    return store;
  };
  let files = 0;
  const sqlite: Backend = {
    name: 'sqlite',
    location: () => `${newDir()}/camaudit-${++files}.db`,
    openAt: (path, opts = {}) => track(openSqliteStore(path, opts)),
    open: (opts = {}) => track(openSqliteStore(':memory:', opts)),
  };
  const postgres: Backend = {
    name: 'postgres',
    location: () => pg.freshDatabase(),
    openAt: (url, opts = {}) => track(openPostgresStore(url, opts)),
    open: (opts = {}) => track(openPostgresStore(pg.freshDatabase(), opts)),
  };
  return [sqlite, postgres];
}
