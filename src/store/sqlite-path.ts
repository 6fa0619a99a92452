// The one check on a SQLite path that needs no SQLite: better-sqlite3 would say only "unable to open database
// file" for a missing directory. Cheap, so `scan` makes it before its first packet and opens the store later.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StoreError } from '../core/errors.js';

export function checkSqlitePath(path: string): void {
  if (path === ':memory:') return;
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) throw new StoreError(`cannot open database ${path}: directory ${dir} does not exist`);
}
