// Opening the inventory for a command. SQLite is the embedded default; the entity names of the
// vendor-db in use are stored with each device so exports never need vendor-db again.
import type { Knowledge } from '../knowledge/types.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';

export function openStore(path: string, knowledge?: Knowledge): Promise<Store> {
  return openSqliteStore(path, knowledge ? { names: (id) => knowledge.entities.get(id)?.name ?? null } : {});
}
