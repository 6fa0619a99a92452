// The PostgreSQL store: the central inventory many sensors write to. It runs the SQLite store's statements
// and logic (store-steps.ts) through pg-db.ts; what is its own is opening the database (refusing one that is
// not camaudit's, migrating under a lock so twenty sensors starting at once migrate once) and concurrency:
// a scan's inventory update holds its site's advisory lock, so two sensors of one site never both create the
// same asset, while different sites write in parallel. Deadlocks and serialization failures are retried.
import type Database from 'better-sqlite3';
import { StoreError, errorMessage } from '../core/errors.js';
import type { MergedDevice } from '../core/merge.js';
import type { DeviceGroup, ExportDevice, ExportDocument, JudgedDevice, ScanResult, StoredScan } from '../core/types.js';
import type { UserChange } from '../inventory/findings.js';
import type { AssetRecord, FindingRecord, Reevaluated } from '../inventory/types.js';
import { MIGRATIONS, SCHEMA_VERSION, SITES_VERSION } from './migrations.js';
import { PgDb } from './pg-db.js';
import { redactUrl } from './pg-url.js';
import { PG_PRELUDE, migrationToPostgres } from './pg-dialect.js';
import { BACKFILL_SITE_SQL, defaultSite } from './sites.js';
import type { ScanOrigin } from './push-rows.js';
import { prepareShared } from './statements.js';
import type { Step } from './steps.js';
import { StoreSteps, type InsertDevices } from './store-steps.js';
import { insertDevicesBulk } from './pg-bulk.js';
import { deviceRead } from './sqlite-queries.js';
import { toInventoryDevice, type InventoryRow } from './sqlite-rows.js';
import type { DeviceSource, EntityNames, ExportOptions, ScanRef, Store, StoreLock } from './store.js';

export interface PostgresStoreOptions {
  readonly names?: EntityNames;
  readonly now?: () => Date;
}

const MARKER_TABLE = 'camaudit_meta';
// Two-key advisory locks: the first key says what the second names.
const LOCK_MIGRATE = "hashtext('camaudit:migrate'), 0";
const LOCK_SITE = "hashtext('camaudit:site'), hashtext(@name)";
const LOCK_NAMED = "hashtext('camaudit:lock'), hashtext(@name)";

/** Connects, refuses a database that is not camaudit's, migrates it, and returns the store. */
export async function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const db = await openPostgresDatabase(url);
  const store = new PostgresStore(db, opts);
  try {
    await store.catchUp();
  } catch (err) {
    await db.close();
    throw err;
  }
  return store;
}

/** The connection under every PostgreSQL repository: connected, checked and migrated. */
export async function openPostgresDatabase(url: string): Promise<PgDb> {
  const db = await PgDb.connect(url);
  try {
    await db.transaction(() => migrate(db));
  } catch (err) {
    await db.close();
    if (err instanceof StoreError) throw err;
    throw new StoreError(`cannot migrate ${redactUrl(url)}: ${errorMessage(err)}`);
  }
  return db;
}

/** Runs inside one transaction holding the migration lock: a failure leaves the previous version intact. */
async function migrate(db: PgDb): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(${LOCK_MIGRATE})`);
  const tables = (await db.query('SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()')).rows.map(
    (r: { table_name: string }) => r.table_name,
  );
  let version = 0;
  if (tables.length > 0) {
    if (!tables.includes(MARKER_TABLE)) {
      throw new StoreError(`${redactUrl(db.url)} is not a camaudit database (no ${MARKER_TABLE} table in its schema); it was left unchanged`);
    }
    const row = (await db.query("SELECT value FROM camaudit_meta WHERE key = 'schema_version'")).rows[0] as { value: string } | undefined;
    version = Number(row?.value ?? 0);
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreError(`${redactUrl(db.url)} was created by a newer camaudit (schema ${version} > ${SCHEMA_VERSION}); upgrade camaudit`);
  }
  if (version === 0) await db.exec(PG_PRELUDE);
  for (const m of MIGRATIONS) {
    if (m.version <= version) continue;
    await db.exec(migrationToPostgres(m.sql));
    await db.query(
      "INSERT INTO camaudit_meta (key, value) VALUES ('schema_version', @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [{ v: String(m.version) }],
    );
  }
  if (version < SITES_VERSION) for (const sql of BACKFILL_SITE_SQL) await db.query(sql, [{ site: defaultSite() }]);
}

export class PostgresStore implements Store {
  readonly #db: PgDb;
  readonly #steps: StoreSteps;
  readonly #locks = new Map<string, StoreLock>();

  constructor(db: PgDb, opts: PostgresStoreOptions) {
    this.#db = db;
    // The SQLite prepare functions take pg-db's statements: one text per statement for both backends.
    const insertDevices: InsertDevices = (scanId, result, names) => insertDevicesBulk(db, scanId, result, names);
    this.#steps = new StoreSteps(prepareShared(db as unknown as Database.Database), opts.names ?? (() => null), opts.now ?? (() => new Date()), insertDevices);
  }

  get db(): PgDb {
    return this.#db;
  }

  /** Scans saved before schema 2 enter the inventory (none on PostgreSQL, which starts at the newest schema). */
  async catchUp(): Promise<void> {
    const inventory = this.#steps.inventory;
    for (const id of await this.#read(inventory.pendingScans())) await this.#write(() => inventory.addScan(id));
  }

  #read<T>(step: Step<T>): Promise<T> {
    return this.#db.read(step);
  }

  #write<T>(make: () => Step<T>): Promise<T> {
    return this.#db.write(make);
  }

  /** A scan's write takes its site's lock first, so its asset matching sees every earlier scan of the site. */
  #atSite<T>(result: ScanResult, make: (atSite: ScanResult) => Step<T>): Promise<T> {
    const site = result.scan.site ?? defaultSite();
    const atSite: ScanResult = { ...result, scan: { ...result.scan, site } };
    return this.#db.write(() => make(atSite), { key: LOCK_SITE, name: site });
  }

  saveScan(result: ScanResult): Promise<number> {
    return this.#atSite(result, (r) => this.#steps.saveScan(r));
  }

  getScan(ref: ScanRef): Promise<StoredScan | null> {
    return this.#read(this.#steps.getScan(ref));
  }

  listScans(): Promise<StoredScan[]> {
    return this.#read(this.#steps.listScans());
  }

  exportDocument(ref: ScanRef, opts: ExportOptions = {}): Promise<ExportDocument | null> {
    return this.#read(this.#steps.exportDocument(ref, opts));
  }

  inventory(): Promise<ExportDevice[]> {
    return this.#read(this.#steps.inventoryDevices());
  }

  async *deviceStream(source: DeviceSource): AsyncGenerator<ExportDevice> {
    const { sql, args } = deviceRead(source);
    for await (const rows of this.#db.cursor(sql, args)) for (const row of rows) yield toInventoryDevice(row as InventoryRow);
  }

  deviceGroups(source: DeviceSource): Promise<DeviceGroup[]> {
    return this.#read(this.#steps.deviceGroups(source));
  }

  findings(): Promise<FindingRecord[]> {
    return this.#read(this.#steps.findings());
  }

  findAssets(ref: string): Promise<number[]> {
    return this.#read(this.#steps.findAssets(ref));
  }

  asset(id: number): Promise<AssetRecord | null> {
    return this.#read(this.#steps.asset(id));
  }

  changeFinding(id: number, change: UserChange, actor: string): Promise<boolean> {
    return this.#write(() => this.#steps.changeFinding(id, change, actor));
  }

  expireExceptions(): Promise<number> {
    return this.#write(() => this.#steps.expireExceptions());
  }

  latestSightings(): Promise<{ assetId: number; device: MergedDevice }[]> {
    return this.#read(this.#steps.latestSightings());
  }

  rejudge(items: readonly { assetId: number; judged: JudgedDevice }[], policy: readonly string[]): Promise<Reevaluated[]> {
    return this.#write(() => this.#steps.rejudge(items, policy));
  }

  databaseId(): Promise<string> {
    return this.#write(() => this.#steps.databaseId());
  }

  loadScan(id: number): Promise<{ result: ScanResult; names: EntityNames } | null> {
    return this.#read(this.#steps.loadScan(id));
  }

  importScan(result: ScanResult, names: EntityNames, origin: ScanOrigin): Promise<{ id: number; added: boolean }> {
    return this.#atSite(result, (r) => this.#steps.importScan(r, names, origin));
  }

  async tryLock(name: string): Promise<StoreLock | null> {
    if (this.#locks.has(name)) return null; // advisory locks are re-entrant within a session; camaudit's are not
    const got = await this.#db.serial(async () => (await this.#db.query(`SELECT pg_try_advisory_lock(${LOCK_NAMED}) AS ok`, [{ name }])).rows[0]);
    if (!(got as { ok: boolean } | undefined)?.ok) return null;
    const lock: StoreLock = {
      release: async () => {
        if (this.#locks.get(name) !== lock) return;
        this.#locks.delete(name);
        await this.#db.serial(() => this.#db.query(`SELECT pg_advisory_unlock(${LOCK_NAMED})`, [{ name }]));
      },
    };
    this.#locks.set(name, lock);
    return lock;
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}
