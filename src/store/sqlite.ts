// The better-sqlite3 store. better-sqlite3 is synchronous; the async methods only satisfy the Store
// interface. A scan is written in one transaction through statements prepared once: batching is what
// makes 100k rows take well under a second (dependencies.md §6).
import Database from 'better-sqlite3';
import { StoreError, errorMessage } from '../core/errors.js';
import type { MergedDevice } from '../core/merge.js';
import type { DeviceGroup, ExportDevice, ExportDocument, JudgedDevice, ScanResult, StoredScan } from '../core/types.js';
import type { UserChange } from '../inventory/findings.js';
import type { AssetRecord, FindingRecord, Reevaluated } from '../inventory/types.js';
import { MIGRATIONS, SCHEMA_VERSION, SITES_VERSION } from './migrations.js';
import { BACKFILL_SITE_SQL, defaultSite } from './sites.js';
import { checkSqlitePath } from './sqlite-path.js';
import { runSync } from './steps.js';
import type { ScanOrigin } from './push-rows.js';
import { prepareShared } from './statements.js';
import { StoreSteps } from './store-steps.js';
import { deviceRead } from './sqlite-queries.js';
import { rowsByName, toInventoryDevice, type InventoryRow } from './sqlite-rows.js';
import type { DeviceSource, EntityNames, ExportOptions, ScanRef, Store, StoreLock } from './store.js';

export interface SqliteStoreOptions {
  /** Entity display names, stored with each device at save time. Without it, names are null. */
  readonly names?: EntityNames;
  /** Clock for saved_at/created_at/updated_at; tests pin it. */
  readonly now?: () => Date;
  /** How long to wait for another connection's lock before failing; default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

const MARKER_TABLE = 'camaudit_meta';

/** Opens (creating if needed) and migrates a camaudit database. `:memory:` gives a private in-memory one. */
export async function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): Promise<Store> {
  const db = openSqliteDatabase(path, opts.busyTimeoutMs ?? 5000);
  const store = new SqliteStore(db, path, opts);
  try {
    store.catchUp();
  } catch (err) {
    db.close();
    throw err;
  }
  return store;
}

/** The connection under every SQLite repository (this one, sqlite-schedules.ts): checked, configured, migrated. */
export function openSqliteDatabase(path: string, busyTimeoutMs: number): Database.Database {
  const db = connect(path, busyTimeoutMs);
  try {
    const version = inspect(db, path);
    // Everything from here on may write; inspect() has already refused files that are not ours.
    db.pragma('journal_mode = WAL'); // readers never block the writer nor the writer them
    db.pragma('synchronous = NORMAL'); // safe with WAL; a power cut can lose only the last commits
    db.pragma('foreign_keys = ON');
    migrate(db, version);
    if (version < SITES_VERSION) db.transaction(() => BACKFILL_SITE_SQL.forEach((sql) => db.prepare(sql).run({ site: defaultSite() })))();
  } catch (err) {
    db.close();
    throw lockError(err, path) ?? err;
  }
  return db;
}

function connect(path: string, busyTimeoutMs: number): Database.Database {
  checkSqlitePath(path);
  try {
    // `timeout` is better-sqlite3's busy_timeout; set before the first read so inspect() waits on locks too.
    return new Database(path, { timeout: busyTimeoutMs });
  } catch (err) {
    throw new StoreError(`cannot open database ${path}: ${errorMessage(err)}`);
  }
}

/** Reads, never writes: returns the schema version of a camaudit database (0 for an empty file) or refuses. */
function inspect(db: Database.Database, path: string): number {
  let version: number;
  let tables: string[];
  try {
    // One read transaction, so both come from one snapshot: read apart, a process creating the database
    // meanwhile could show us its tables with the version from before (and we would call it foreign).
    ({ version, tables } = db.transaction(() => ({
      version: db.pragma('user_version', { simple: true }) as number,
      tables: db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all(),
    }))());
  } catch (err) {
    const locked = lockError(err, path);
    if (locked) throw locked;
    throw new StoreError(`${path} is not a SQLite database (${errorMessage(err)})`);
  }
  if (version === 0 && tables.length === 0) return 0;
  if (version === 0 || !tables.includes(MARKER_TABLE)) {
    throw new StoreError(`${path} is not a camaudit database (no ${MARKER_TABLE} table); it was left unchanged`);
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreError(`${path} was created by a newer camaudit (schema ${version} > ${SCHEMA_VERSION}); upgrade camaudit`);
  }
  return version;
}

function migrate(db: Database.Database, from: number): void {
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    // One transaction per migration, with its version: a failure leaves the previous version intact.
    // IMMEDIATE takes the write lock before the version is read again: of two processes opening a new
    // database at once, one migrates and the other finds it done (instead of "table already exists").
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

/** SQLITE_BUSY/LOCKED surface as a StoreError naming the file; anything else is a bug and passes through. */
export function lockError(err: unknown, path: string): StoreError | null {
  if (err instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(err.code)) {
    return new StoreError(`${path} is locked by another process (${err.message})`);
  }
  return null;
}

class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #path: string;
  readonly #steps: StoreSteps;
  readonly #locks = new Set<string>();

  constructor(db: Database.Database, path: string, opts: SqliteStoreOptions) {
    this.#db = db;
    this.#path = path;
    this.#steps = new StoreSteps(prepareShared(db), opts.names ?? (() => null), opts.now ?? (() => new Date()));
  }

  /** Scans saved before schema 2 enter the inventory in order, one transaction each, on first open. */
  catchUp(): void {
    const inventory = this.#steps.inventory;
    for (const id of runSync(inventory.pendingScans())) this.#write(() => runSync(inventory.addScan(id)));
  }

  /** One write transaction; a lock becomes a StoreError naming the file. */
  #write<T>(fn: () => T): T {
    try {
      return this.#db.transaction(fn)();
    } catch (err) {
      throw lockError(err, this.#path) ?? err;
    }
  }

  /** The scan and its inventory update are one transaction: all of it or none of it. */
  async saveScan(result: ScanResult): Promise<number> {
    return this.#write(() => runSync(this.#steps.saveScan(result)));
  }

  async getScan(ref: ScanRef): Promise<StoredScan | null> {
    return runSync(this.#steps.getScan(ref));
  }

  async listScans(): Promise<StoredScan[]> {
    return runSync(this.#steps.listScans());
  }

  async exportDocument(ref: ScanRef, opts: ExportOptions = {}): Promise<ExportDocument | null> {
    return runSync(this.#steps.exportDocument(ref, opts));
  }

  async inventory(): Promise<ExportDevice[]> {
    return runSync(this.#steps.inventoryDevices());
  }

  async *deviceStream(source: DeviceSource): AsyncGenerator<ExportDevice> {
    const { sql, args } = deviceRead(source);
    const read = this.#db.prepare<unknown[], unknown[]>(sql).raw();
    const row = rowsByName<InventoryRow>(read.columns().map((c) => c.name));
    for (const values of read.iterate(...args)) yield toInventoryDevice(row(values));
  }

  async deviceGroups(source: DeviceSource): Promise<DeviceGroup[]> {
    return runSync(this.#steps.deviceGroups(source));
  }

  async findings(): Promise<FindingRecord[]> {
    return runSync(this.#steps.findings());
  }

  async findAssets(ref: string): Promise<number[]> {
    return runSync(this.#steps.findAssets(ref));
  }

  async asset(id: number): Promise<AssetRecord | null> {
    return runSync(this.#steps.asset(id));
  }

  async changeFinding(id: number, change: UserChange, actor: string): Promise<boolean> {
    return this.#write(() => runSync(this.#steps.changeFinding(id, change, actor)));
  }

  async expireExceptions(): Promise<number> {
    return this.#write(() => runSync(this.#steps.expireExceptions()));
  }

  async latestSightings(): Promise<{ assetId: number; device: MergedDevice }[]> {
    return runSync(this.#steps.latestSightings());
  }

  async rejudge(items: readonly { assetId: number; judged: JudgedDevice }[], policy: readonly string[]): Promise<Reevaluated[]> {
    return this.#write(() => runSync(this.#steps.rejudge(items, policy)));
  }

  async databaseId(): Promise<string> {
    return this.#write(() => runSync(this.#steps.databaseId()));
  }

  async loadScan(id: number): Promise<{ result: ScanResult; names: EntityNames } | null> {
    return runSync(this.#steps.loadScan(id));
  }

  async importScan(result: ScanResult, names: EntityNames, origin: ScanOrigin): Promise<{ id: number; added: boolean }> {
    return this.#write(() => runSync(this.#steps.importScan(result, names, origin)));
  }

  /** One database file lives on one machine: a lock in this process is enough (schedules keep their own lock rows). */
  async tryLock(name: string): Promise<StoreLock | null> {
    if (this.#locks.has(name)) return null;
    this.#locks.add(name);
    return { release: async () => void this.#locks.delete(name) };
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
