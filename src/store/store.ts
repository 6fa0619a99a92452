// The repository the CLI talks to. Every method is async and nothing backend-specific crosses this
// interface, so the SQLite and PostgreSQL stores sit behind it alike.
import type { DeviceGroup, ExportDevice, ExportDocument, JudgedDevice, ScanResult, StoredScan } from '../core/types.js';
import type { MergedDevice } from '../core/merge.js';
import type { UserChange } from '../inventory/findings.js';
import type { AssetRecord, FindingRecord, Reevaluated } from '../inventory/types.js';
import type { ScanOrigin } from './push-rows.js';

/** A scan id, or the most recently saved scan. */
export type ScanRef = number | 'latest';

/** Where devices are read from: a scan (its devices as it judged them) or the inventory (each asset as it is now). */
export type DeviceSource = number | 'inventory';

export interface ExportOptions {
  readonly flaggedOnly?: boolean;
}

/**
 * Display name of a vendor-db entity id, or null when unknown. Names are stored with each device at save
 * time, so an export reads the database alone and shows the names as they were when the scan ran.
 */
export type EntityNames = (entityId: string) => string | null;

export interface Store {
  /**
   * Saves the whole scan in one transaction (all of it or none of it) and returns its id. The same
   * transaction puts it into the inventory: assets matched, changes recorded, findings moved.
   */
  saveScan(result: ScanResult): Promise<number>;
  getScan(ref: ScanRef): Promise<StoredScan | null>;
  /** Newest first. */
  listScans(): Promise<StoredScan[]>;
  /** Devices flagged first, then by IP address numerically; null when the scan does not exist. */
  exportDocument(ref: ScanRef, opts?: ExportOptions): Promise<ExportDocument | null>;
  /** One device per asset in its current state (same order as exportDocument). */
  inventory(): Promise<ExportDevice[]>;
  /**
   * exportDocument's devices (a scan id) or inventory()'s, in their order, read while they are iterated so memory
   * holds a few at a time. The store serves nothing else until the iteration ends or is abandoned.
   */
  deviceStream(source: DeviceSource): AsyncIterable<ExportDevice>;
  /** The same devices counted by everything a TalliedDevice holds, in no particular order. */
  deviceGroups(source: DeviceSource): Promise<DeviceGroup[]>;
  findings(): Promise<FindingRecord[]>;
  /** Asset ids whose id, current IP or MAC is `ref`. */
  findAssets(ref: string): Promise<number[]>;
  asset(id: number): Promise<AssetRecord | null>;
  /** A person's change (UsageError when the workflow forbids it); false when there is no such finding. */
  changeFinding(id: number, change: UserChange, actor: string): Promise<boolean>;
  /** Returns exceptions past their expiry date to open; how many did. */
  expireExceptions(): Promise<number>;
  /** Each asset's latest sighting, as the merged device the pipeline built, for re-judging it. */
  latestSightings(): Promise<{ assetId: number; device: MergedDevice }[]>;
  /** Stores re-judgements (one transaction) and returns what they changed. */
  rejudge(items: readonly { assetId: number; judged: JudgedDevice }[], policy: readonly string[]): Promise<Reevaluated[]>;
  /** This database's own id, made on first use: `push` records it as the origin of the scans it uploads. */
  databaseId(): Promise<string>;
  /** A stored scan as the pipeline handed it to saveScan, with the entity names it was saved with; null when none. */
  loadScan(id: number): Promise<{ result: ScanResult; names: EntityNames } | null>;
  /**
   * saveScan for a scan from another database (`push`), at most once per origin: `added` is false, and
   * nothing is written, when that database's scan was imported before. Keeps the scan's own times and site.
   */
  importScan(result: ScanResult, names: EntityNames, origin: ScanOrigin): Promise<{ id: number; added: boolean }>;
  /**
   * A named lock shared by every process using this database, for work that must run once across a fleet
   * (a schedule's run at one site). Null at once when someone else holds it. PostgreSQL: a session advisory
   * lock, freed by release() or when the holder's connection ends, so a crashed holder frees it too.
   * SQLite: held within this process only.
   */
  tryLock(name: string): Promise<StoreLock | null>;
  close(): Promise<void>;
}

export interface StoreLock {
  release(): Promise<void>;
}
