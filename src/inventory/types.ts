// What the inventory commands print (`findings --json`, `history --json`, `reevaluate --json`). Device
// records are the export's ExportDevice, so every listing shows a device the same way.
import type { Basis, Confidence, ExportDevice, FindingStatus, ListRef } from '../core/types.js';
import type { FieldChange } from './changes.js';
import type { FindingField } from './findings.js';

export interface FindingEvent {
  readonly at: string;
  readonly actor: string | null; // null: camaudit itself
  readonly scanId: number | null;
  readonly field: FindingField | 'entity';
  readonly oldValue: string | null;
  readonly newValue: string | null;
  readonly why: string | null;
}

export interface FindingRecord {
  readonly id: number;
  readonly status: FindingStatus;
  readonly owner: string | null;
  readonly notes: string | null;
  readonly reason: string | null;
  readonly expiresAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly entity: string;
  readonly citations: readonly ListRef[];
  readonly basis: Basis;
  readonly confidence: Confidence;
  /** The device's current state in the inventory. */
  readonly device: ExportDevice;
  readonly history: readonly FindingEvent[];
}

export interface AssetEvent extends FieldChange {
  readonly at: string;
  readonly scanId: number | null; // null: a re-evaluation
}

export interface AssetRecord {
  readonly device: ExportDevice;
  readonly identity: string;
  readonly sightings: readonly { readonly scanId: number; readonly at: string; readonly ip: string }[];
  readonly history: readonly AssetEvent[];
  readonly finding: FindingRecord | null;
}

/** What one re-evaluation changed about one device. */
export interface Reevaluated {
  readonly device: ExportDevice;
  readonly changes: readonly FieldChange[];
  readonly finding: { readonly from: FindingStatus | null; readonly to: FindingStatus } | null;
}
