// Every Store method as steps (steps.ts) over the shared statements: SqliteStore runs them synchronously,
// PostgresStore awaits them, so the two backends cannot drift apart. A method that writes is one
// transaction, which the driver opens around the step.
import { randomUUID } from 'node:crypto';
import type { MergedDevice } from '../core/merge.js';
import type { DeviceGroup, ExportDevice, ExportDocument, JudgedDevice, ScanResult, StoredScan } from '../core/types.js';
import type { UserChange } from '../inventory/findings.js';
import type { AssetRecord, FindingRecord, Reevaluated } from '../inventory/types.js';
import { InventorySteps } from './sqlite-inventory.js';
import { toScanResult, type ScanOrigin } from './push-rows.js';
import { assetEvents, findingRecords, latestSightings, type Queries } from './sqlite-queries.js';
import { deviceParams, observationParams, scanParams, toDeviceGroup, toInventoryDevice, toStoredScan, type SavedDevice } from './sqlite-rows.js';
import type { SharedStatements } from './statements.js';
import { q, type Step } from './steps.js';
import type { DeviceSource, EntityNames, ExportOptions, ScanRef } from './store.js';

/** Writes a saved scan's devices and observations its own faster way (pg-bulk.ts); inside the save transaction. */
export type InsertDevices = (scanId: number, result: ScanResult, names: EntityNames) => Promise<SavedDevice[]>;

export class StoreSteps {
  readonly #sql: SharedStatements['sql'];
  readonly #q: Queries;
  readonly #push: SharedStatements['push'];
  readonly #names: EntityNames;
  readonly #now: () => Date;
  readonly #insertDevices: InsertDevices | null;
  readonly inventory: InventorySteps;

  constructor(statements: SharedStatements, names: EntityNames, now: () => Date, insertDevices: InsertDevices | null = null) {
    this.#insertDevices = insertDevices;
    this.#sql = statements.sql;
    this.#q = statements.q;
    this.#push = statements.push;
    this.#names = names;
    this.#now = now;
    this.inventory = new InventorySteps(statements.inventory, now);
  }

  /** Write. The scan and its inventory update: all of it or none of it. */
  *saveScan(result: ScanResult): Step<number> {
    const { scanId, devices } = yield* this.insertScan(result);
    yield* this.inventory.addScan(scanId, devices);
    return scanId;
  }

  /** The scan's own rows, without the inventory update; returns its id and its devices rows. */
  *insertScan(result: ScanResult, names: EntityNames = this.#names): Step<{ scanId: number; devices: SavedDevice[] }> {
    const now = this.#now().toISOString();
    const sql = this.#sql;
    const scanId = Number((yield* q(sql.insertScan.run(scanParams(result, now)))).lastInsertRowid);
    if (this.#insertDevices) return { scanId, devices: yield* q(this.#insertDevices(scanId, result, names)) };
    const devices: SavedDevice[] = [];
    for (const device of result.devices) {
      const row = deviceParams(scanId, device, names);
      const id = Number((yield* q(sql.insertDevice.run(row))).lastInsertRowid);
      for (const o of device.observations) yield* q(sql.insertObservation.run(observationParams(scanId, id, o)));
      devices.push({ ...row, id });
    }
    return { scanId, devices };
  }

  *getScan(ref: ScanRef): Step<StoredScan | null> {
    const id = yield* this.#resolve(ref);
    const row = id === null ? undefined : yield* q(this.#sql.scanById.get(id));
    return row ? toStoredScan(row) : null;
  }

  *listScans(): Step<StoredScan[]> {
    return (yield* q(this.#sql.scans.all())).map(toStoredScan);
  }

  *exportDocument(ref: ScanRef, opts: ExportOptions = {}): Step<ExportDocument | null> {
    const scan = yield* this.getScan(ref);
    if (!scan) return null;
    const rows = yield* q(this.#q.scanDevices.all({ scan_id: scan.id, flagged_only: opts.flaggedOnly ? 1 : 0 }));
    return {
      scan: { id: scan.id, startedAt: scan.startedAt, finishedAt: scan.finishedAt, targets: scan.targets, status: scan.status },
      devices: rows.map(toInventoryDevice),
    };
  }

  *inventoryDevices(): Step<ExportDevice[]> {
    return (yield* q(this.#q.inventory.all())).map(toInventoryDevice);
  }

  *deviceGroups(source: DeviceSource): Step<DeviceGroup[]> {
    const rows = source === 'inventory' ? yield* q(this.#q.inventoryGroups.all()) : yield* q(this.#q.scanGroups.all({ scan_id: source }));
    return rows.map(toDeviceGroup);
  }

  *findings(): Step<FindingRecord[]> {
    return yield* findingRecords(this.#q);
  }

  *findAssets(ref: string): Step<number[]> {
    const id = /^\d{1,12}$/.test(ref) ? Number(ref) : -1;
    return yield* q(this.#q.assetsByRef.all({ ref, id }));
  }

  *asset(id: number): Step<AssetRecord | null> {
    const device = (yield* this.inventoryDevices()).find((d) => d.assetId === id);
    if (!device) return null;
    const findingId = device.finding?.id;
    const finding = findingId === undefined ? null : ((yield* this.findings()).find((f) => f.id === findingId) ?? null);
    const identity = (yield* q(this.#q.identity.get(id))) ?? '';
    return { device, identity, sightings: yield* q(this.#q.sightings.all(id)), history: yield* assetEvents(this.#q, id), finding };
  }

  /** Write. */
  *changeFinding(id: number, change: UserChange, actor: string): Step<boolean> {
    return yield* this.inventory.changeFinding(id, change, actor);
  }

  /** Write. */
  *expireExceptions(): Step<number> {
    return yield* this.inventory.expire();
  }

  *latestSightings(): Step<{ assetId: number; device: MergedDevice }[]> {
    return yield* latestSightings(this.#q);
  }

  /** Write. */
  *rejudge(items: readonly { assetId: number; judged: JudgedDevice }[], policy: readonly string[]): Step<Reevaluated[]> {
    return yield* this.inventory.rejudge(items, policy, this.#names);
  }

  /** Write. This database's id, made on first use: what `push` records as the origin of its scans. */
  *databaseId(): Step<string> {
    yield* q(this.#push.addMeta.run('database_id', randomUUID()));
    return (yield* q(this.#push.meta.get('database_id')))!;
  }

  /** A stored scan as the pipeline handed it to saveScan, with the entity names it was saved with. */
  *loadScan(id: number): Step<{ result: ScanResult; names: EntityNames } | null> {
    const scan = yield* q(this.#sql.scanById.get(id));
    if (!scan) return null;
    return toScanResult(scan, yield* q(this.#push.devices.all(id)), yield* q(this.#push.observations.all(id)));
  }

  /** Write. saveScan for a scan from another database, once per origin; `added` is false when it was there already. */
  *importScan(result: ScanResult, names: EntityNames, origin: ScanOrigin): Step<{ id: number; added: boolean }> {
    const known = yield* q(this.#push.imported.get(origin.source, origin.scanId));
    if (known !== undefined) return { id: known, added: false };
    const { scanId, devices } = yield* this.insertScan(result, names);
    yield* this.inventory.addScan(scanId, devices);
    yield* q(this.#push.recordImport.run(origin.source, origin.scanId, scanId, this.#now().toISOString()));
    return { id: scanId, added: true };
  }

  *#resolve(ref: ScanRef): Step<number | null> {
    if (ref === 'latest') return (yield* q(this.#sql.latestId.get())) ?? null;
    return Number.isSafeInteger(ref) && ref > 0 ? ref : null;
  }
}
