// The better-sqlite3 store. better-sqlite3 is synchronous; the async methods only satisfy the Store
// interface. A scan is written in one transaction through statements prepared once: batching is what
// makes 100k rows take well under a second (dependencies.md §6).
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, errorMessage } from '../core/errors.js';
import type { ExportDocument, ScanResult, StoredScan } from '../core/types.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { deviceParams, observationParams, scanParams, toExportDevice, toStoredScan } from './sqlite-rows.js';
import type { DeviceRow, ScanRow } from './sqlite-rows.js';
import type { EntityNames, ExportOptions, ScanRef, Store } from './store.js';

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
  const db = connect(path, opts.busyTimeoutMs ?? 5000);
  try {
    const version = inspect(db, path);
    // Everything from here on may write; inspect() has already refused files that are not ours.
    db.pragma('journal_mode = WAL'); // readers never block the writer nor the writer them
    db.pragma('synchronous = NORMAL'); // safe with WAL; a power cut can lose only the last commits
    db.pragma('foreign_keys = ON');
    migrate(db, version);
  } catch (err) {
    db.close();
    throw lockError(err, path) ?? err;
  }
  return new SqliteStore(db, path, opts);
}

function connect(path: string, busyTimeoutMs: number): Database.Database {
  if (path !== ':memory:') {
    const dir = dirname(resolve(path));
    if (!existsSync(dir)) throw new StoreError(`cannot open database ${path}: directory ${dir} does not exist`);
  }
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
    version = db.pragma('user_version', { simple: true }) as number;
    tables = db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
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
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

/** SQLITE_BUSY/LOCKED surface as a StoreError naming the file; anything else is a bug and passes through. */
function lockError(err: unknown, path: string): StoreError | null {
  if (err instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(err.code)) {
    return new StoreError(`${path} is locked by another process (${err.message})`);
  }
  return null;
}

const SELECT_SCAN = `
  SELECT s.id, s.started_at, s.finished_at, s.status, s.targets, s.policy, s.runs,
    (SELECT count(*) FROM devices d WHERE d.scan_id = s.id) AS device_count,
    (SELECT count(*) FROM devices d WHERE d.scan_id = s.id AND d.flagged = 1) AS flagged_count
  FROM scans s`;

function prepareStatements(db: Database.Database) {
  return {
    insertScan: db.prepare(`
      INSERT INTO scans (started_at, finished_at, status, targets, policy, runs, saved_at)
      VALUES (@started_at, @finished_at, @status, @targets, @policy, @runs, @saved_at)`),
    insertDevice: db.prepare(`
      INSERT INTO devices (scan_id, ip, ip_key, mac, mac_source, oui_vendor, manufacturer, manufacturer_name,
        brand, brand_name, model, firmware, serial, device_type, confidence, relabel, evidence, conflicts, flagged,
        restricted_entity, restricted_entity_name, restriction_lists, restriction_basis, restriction_confidence,
        restriction_evidence)
      VALUES (@scan_id, @ip, @ip_key, @mac, @mac_source, @oui_vendor, @manufacturer, @manufacturer_name,
        @brand, @brand_name, @model, @firmware, @serial, @device_type, @confidence, @relabel, @evidence, @conflicts, @flagged,
        @restricted_entity, @restricted_entity_name, @restriction_lists, @restriction_basis, @restriction_confidence,
        @restriction_evidence)`),
    insertObservation: db.prepare(`
      INSERT INTO observations (scan_id, device_id, source, ip, key, value, detail, at)
      VALUES (@scan_id, @device_id, @source, @ip, @key, @value, @detail, @at)`),
    insertFinding: db.prepare(`
      INSERT INTO findings (scan_id, device_id, entity, lists, basis, confidence, status, created_at, updated_at)
      VALUES (@scan_id, @device_id, @entity, @lists, @basis, @confidence, 'open', @now, @now)`),
    insertHistory: db.prepare(`
      INSERT INTO finding_history (finding_id, at, field, old_value, new_value)
      VALUES (@finding_id, @at, 'status', NULL, 'open')`),
    scanById: db.prepare<[number], ScanRow>(`${SELECT_SCAN} WHERE s.id = ?`),
    scans: db.prepare<[], ScanRow>(`${SELECT_SCAN} ORDER BY s.id DESC`),
    latestId: db.prepare<[], number | null>('SELECT max(id) FROM scans').pluck(),
    devices: db.prepare<{ scan_id: number; flagged_only: 0 | 1 }, DeviceRow>(`
      SELECT ip, mac, mac_source, oui_vendor, manufacturer, manufacturer_name, brand, brand_name, model, firmware,
        serial, device_type, confidence, evidence, conflicts, flagged, restricted_entity, restricted_entity_name,
        restriction_lists, restriction_basis, restriction_confidence
      FROM devices
      WHERE scan_id = @scan_id AND (@flagged_only = 0 OR flagged = 1)
      ORDER BY flagged DESC, ip_key, ip, id`),
  };
}

class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #path: string;
  readonly #names: EntityNames;
  readonly #now: () => Date;
  readonly #sql: ReturnType<typeof prepareStatements>;
  readonly #save: (result: ScanResult) => number;

  constructor(db: Database.Database, path: string, opts: SqliteStoreOptions) {
    this.#db = db;
    this.#path = path;
    this.#names = opts.names ?? (() => null);
    this.#now = opts.now ?? (() => new Date());
    this.#sql = prepareStatements(db);
    this.#save = db.transaction((result: ScanResult) => this.#insert(result));
  }

  async saveScan(result: ScanResult): Promise<number> {
    try {
      return this.#save(result);
    } catch (err) {
      throw lockError(err, this.#path) ?? err;
    }
  }

  async getScan(ref: ScanRef): Promise<StoredScan | null> {
    const id = this.#resolve(ref);
    const row = id === null ? undefined : this.#sql.scanById.get(id);
    return row ? toStoredScan(row) : null;
  }

  async listScans(): Promise<StoredScan[]> {
    return this.#sql.scans.all().map(toStoredScan);
  }

  async exportDocument(ref: ScanRef, opts: ExportOptions = {}): Promise<ExportDocument | null> {
    const scan = await this.getScan(ref);
    if (!scan) return null;
    const rows = this.#sql.devices.all({ scan_id: scan.id, flagged_only: opts.flaggedOnly ? 1 : 0 });
    return {
      scan: { id: scan.id, startedAt: scan.startedAt, finishedAt: scan.finishedAt, targets: scan.targets, status: scan.status },
      devices: rows.map(toExportDevice),
    };
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #resolve(ref: ScanRef): number | null {
    if (ref === 'latest') return this.#sql.latestId.get() ?? null;
    return Number.isSafeInteger(ref) && ref > 0 ? ref : null;
  }

  /** Runs inside the save transaction: any throw rolls the whole scan back. */
  #insert(result: ScanResult): number {
    const now = this.#now().toISOString();
    const sql = this.#sql;
    const scanId = Number(sql.insertScan.run(scanParams(result, now)).lastInsertRowid);
    for (const device of result.devices) {
      const deviceId = Number(sql.insertDevice.run(deviceParams(scanId, device, this.#names)).lastInsertRowid);
      for (const o of device.observations) sql.insertObservation.run(observationParams(scanId, deviceId, o));
      const r = device.restriction;
      if (r === null) continue;
      const finding = sql.insertFinding.run({
        scan_id: scanId,
        device_id: deviceId,
        entity: r.entity,
        lists: JSON.stringify(r.lists),
        basis: r.basis,
        confidence: r.confidence,
        now,
      });
      sql.insertHistory.run({ finding_id: Number(finding.lastInsertRowid), at: now });
    }
    return scanId;
  }
}
