// One throwaway PostgreSQL cluster per test file (src/lab/postgres.ts), a fresh database per test. A cluster
// that cannot start fails the file's tests: the PostgreSQL backend is never silently left untested.
import { afterAll, beforeAll } from 'vitest';
import { startPgCluster, type PgCluster } from '../../src/lab/postgres.js';

export interface PgForTests {
  /** The running cluster; throws outside a test. */
  cluster(): PgCluster;
  /** A new empty database's URL (over TCP unless `socket`). */
  freshDatabase(socket?: boolean): string;
}

let counter = 0;

/** Call at module level. */
export function usePg(): PgForTests {
  let cluster: PgCluster | null = null;
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 60_000);
  afterAll(() => {
    cluster?.stop();
    cluster = null;
  });
  const get = (): PgCluster => {
    if (!cluster) throw new Error('the PostgreSQL test cluster is not running');
    return cluster;
  };
  return {
    cluster: get,
    freshDatabase(socket = false) {
      const name = get().createDatabase(`t${process.pid}_${++counter}`);
      return socket ? get().socketUrl(name) : get().url(name);
    },
  };
}
