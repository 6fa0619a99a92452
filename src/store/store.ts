// The repository the CLI talks to. Every method is async and nothing backend-specific crosses this
// interface, so the planned PostgreSQL store can sit behind it unchanged.
import type { ExportDocument, ScanResult, StoredScan } from '../core/types.js';

/** A scan id, or the most recently saved scan. */
export type ScanRef = number | 'latest';

export interface ExportOptions {
  readonly flaggedOnly?: boolean;
}

/**
 * Display name of a vendor-db entity id, or null when unknown. Names are stored with each device at save
 * time, so an export reads the database alone and shows the names as they were when the scan ran.
 */
export type EntityNames = (entityId: string) => string | null;

export interface Store {
  /** Saves the whole scan in one transaction (all of it or none of it) and returns its id. */
  saveScan(result: ScanResult): Promise<number>;
  getScan(ref: ScanRef): Promise<StoredScan | null>;
  /** Newest first. */
  listScans(): Promise<StoredScan[]>;
  /** Devices flagged first, then by IP address numerically; null when the scan does not exist. */
  exportDocument(ref: ScanRef, opts?: ExportOptions): Promise<ExportDocument | null>;
  close(): Promise<void>;
}
