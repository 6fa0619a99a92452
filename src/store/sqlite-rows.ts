// Conversions between domain types and the SQLite rows of migrations.ts. Values read back are trusted
// as the domain types: the schema's CHECK constraints and json_valid() admitted only what these wrote.
import type {
  Basis,
  Confidence,
  DeviceGroup,
  DeviceType,
  EvidenceItem,
  ExportDevice,
  FindingStatus,
  FindingSummary,
  JudgedDevice,
  ListRef,
  Observation,
  PolicyDecision,
  ScanResult,
  SourceId,
  SourceRun,
  StoredScan,
  TalliedDevice,
} from '../core/types.js';
import { ipSortKey } from './ip-key.js';
import { defaultSite } from './sites.js';
import type { EntityNames } from './store.js';

export interface ScanRow {
  id: number;
  site: string;
  sensor: string;
  started_at: string;
  finished_at: string;
  status: 'complete' | 'interrupted';
  targets: string;
  policy: string;
  runs: string;
  device_count: number;
  flagged_count: number;
}

export interface DeviceRow {
  ip: string;
  mac: string | null;
  mac_source: string | null;
  oui_vendor: string | null;
  manufacturer: string | null;
  manufacturer_name: string | null;
  brand: string | null;
  brand_name: string | null;
  model: string | null;
  firmware: string | null;
  serial: string | null;
  device_type: string;
  confidence: string | null;
  evidence: string;
  conflicts: string;
  flagged: 0 | 1;
  restricted_entity: string | null;
  restricted_entity_name: string | null;
  restriction_lists: string | null;
  restriction_basis: string | null;
  restriction_confidence: string | null;
  decided_by?: string | null; // absent from reads that do not select it
}

export function scanParams(result: ScanResult, savedAt: string) {
  const { scan, runs } = result;
  return {
    started_at: scan.startedAt,
    finished_at: scan.finishedAt,
    status: scan.status,
    targets: JSON.stringify(scan.targets),
    policy: JSON.stringify(scan.policy),
    runs: JSON.stringify(runs),
    saved_at: savedAt,
    site: scan.site ?? defaultSite(),
    sensor: scan.sensor ?? defaultSite(),
  };
}

export function deviceParams(scanId: number, device: JudgedDevice, names: EntityNames) {
  const a = device.attribution;
  const r = device.restriction;
  return {
    scan_id: scanId,
    ip: device.ip,
    ip_key: ipSortKey(device.ip),
    mac: device.mac,
    mac_source: device.macSource,
    oui_vendor: device.ouiVendor,
    manufacturer: a.manufacturer,
    manufacturer_name: a.manufacturer === null ? null : names(a.manufacturer),
    brand: a.brand,
    brand_name: a.brand === null ? null : names(a.brand),
    model: a.model,
    firmware: a.firmware,
    serial: a.serial,
    device_type: a.deviceType,
    confidence: a.confidence,
    relabel: a.relabel ? JSON.stringify(a.relabel) : null,
    evidence: JSON.stringify(a.evidence),
    conflicts: JSON.stringify(a.conflicts),
    flagged: r === null ? (0 as const) : (1 as const),
    restricted_entity: r?.entity ?? null,
    restricted_entity_name: r === null ? null : names(r.entity),
    restriction_lists: r === null ? null : JSON.stringify(r.lists),
    restriction_basis: r?.basis ?? null,
    restriction_confidence: r?.confidence ?? null,
    restriction_evidence: r === null ? null : JSON.stringify(r.evidence),
    decided_by: device.decidedBy ? JSON.stringify(device.decidedBy) : null,
  };
}

/** A devices row as saved, with its id: what the inventory update works from. */
export type SavedDevice = Omit<ReturnType<typeof deviceParams>, 'scan_id'> & { id: number };

export function observationParams(scanId: number, deviceId: number, o: Observation) {
  return { scan_id: scanId, device_id: deviceId, source: o.source, ip: o.ip, key: o.key, value: o.value, detail: o.detail, at: o.at };
}

export function toStoredScan(row: ScanRow): StoredScan {
  return {
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    targets: JSON.parse(row.targets) as string[],
    status: row.status,
    policy: JSON.parse(row.policy) as string[],
    runs: JSON.parse(row.runs) as SourceRun[],
    deviceCount: row.device_count,
    flaggedCount: row.flagged_count,
    site: row.site,
    sensor: row.sensor,
  };
}

export function toExportDevice(row: DeviceRow): ExportDevice {
  return {
    ip: row.ip,
    mac: row.mac,
    macSource: row.mac_source as SourceId | null,
    ouiVendor: row.oui_vendor,
    manufacturer: row.manufacturer,
    manufacturerName: row.manufacturer_name,
    brand: row.brand,
    brandName: row.brand_name,
    model: row.model,
    firmware: row.firmware,
    serial: row.serial,
    deviceType: row.device_type as DeviceType,
    confidence: row.confidence as Confidence | null,
    flagged: row.flagged === 1,
    restriction: toExportRestriction(row),
    evidence: JSON.parse(row.evidence) as EvidenceItem[],
    conflicts: JSON.parse(row.conflicts) as string[],
    decidedBy: row.decided_by ? (JSON.parse(row.decided_by) as PolicyDecision) : null,
  };
}

type RestrictionColumns = 'restricted_entity' | 'restricted_entity_name' | 'restriction_lists' | 'restriction_basis' | 'restriction_confidence';

function toExportRestriction(row: Pick<DeviceRow, RestrictionColumns>): ExportDevice['restriction'] {
  // The schema guarantees all restriction columns are set together; testing each keeps the types honest.
  if (row.restricted_entity === null || row.restriction_lists === null || row.restriction_basis === null || row.restriction_confidence === null) {
    return null;
  }
  const citations = JSON.parse(row.restriction_lists) as ListRef[];
  return {
    entity: row.restricted_entity,
    entityName: row.restricted_entity_name ?? row.restricted_entity,
    lists: listIds(citations),
    citations,
    basis: row.restriction_basis as Basis,
    confidence: row.restriction_confidence as Confidence,
  };
}

/** The lists a restriction's citations come from: one list can name an entity in more than one row. */
export function listIds(citations: readonly ListRef[]): string[] {
  return [...new Set(citations.map((c) => c.id))];
}

/** The judged-device columns shared by `devices` (one scan's judgement) and `assets` (the current one). */
export const DEVICE_COLUMNS = [
  'ip', 'ip_key', 'mac', 'mac_source', 'oui_vendor', 'manufacturer', 'manufacturer_name', 'brand', 'brand_name', 'model',
  'firmware', 'serial', 'device_type', 'confidence', 'relabel', 'evidence', 'conflicts', 'flagged', 'restricted_entity',
  'restricted_entity_name', 'restriction_lists', 'restriction_basis', 'restriction_confidence', 'restriction_evidence',
  'decided_by',
] as const;

/** A devices or assets row joined with its asset and finding (columns of the read queries in sqlite-queries.ts). */
export interface InventoryRow extends DeviceRow {
  asset_id: number | null;
  site: string | null;
  first_seen: string | null;
  last_seen: string | null;
  finding_id: number | null;
  finding_status: string | null;
  finding_owner: string | null;
  finding_notes: string | null;
  finding_reason: string | null;
  finding_expires_at: string | null;
  finding_updated_at: string | null;
}

export function toInventoryDevice(row: InventoryRow): ExportDevice {
  const device = toExportDevice(row);
  if (row.asset_id === null || row.first_seen === null || row.last_seen === null) return device;
  // Set on the device rather than spread into a copy: exports make one per device, 100,000 at a time.
  const inventory: Mutable<ExportDevice> = device;
  inventory.assetId = row.asset_id;
  if (row.site !== null) inventory.site = row.site;
  inventory.firstSeen = row.first_seen;
  inventory.lastSeen = row.last_seen;
  inventory.finding = toFindingSummary(row);
  return inventory;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The rows of a read made with better-sqlite3's raw() (each an array of values in the order of the statement's
 * `columns`) as the objects toInventoryDevice reads: better-sqlite3 makes objects of rows several times slower.
 */
export function rowsByName<Row>(columns: readonly string[]): (values: readonly unknown[]) => Row {
  return (values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
    return row as Row;
  };
}

/** A row of the grouped device reads (sqlite-queries.ts): the columns toInventoryDevice reads for a TalliedDevice. */
export interface GroupRow extends Pick<DeviceRow, RestrictionColumns | 'flagged' | 'manufacturer' | 'brand' | 'device_type'> {
  /** 0 for a scan's device that no asset holds. */
  in_inventory: 0 | 1;
  site: string | null;
  last_seen: string | null;
  finding_status: string | null;
  devices: number;
}

/** As toInventoryDevice would make each of the group's devices, cut to a TalliedDevice. */
export function toDeviceGroup(row: GroupRow): DeviceGroup {
  const device: TalliedDevice = {
    flagged: row.flagged === 1,
    manufacturer: row.manufacturer,
    brand: row.brand,
    deviceType: row.device_type as DeviceType,
    restriction: toExportRestriction(row),
  };
  // Assets' site and last_seen are NOT NULL, and so is a finding's status: a null says there is no asset or finding.
  if (row.in_inventory === 0 || row.last_seen === null) return { device, count: row.devices };
  const finding = row.finding_status === null ? null : { status: row.finding_status as FindingStatus };
  return { device: { ...device, ...(row.site === null ? {} : { site: row.site }), lastSeen: row.last_seen, finding }, count: row.devices };
}

function toFindingSummary(row: InventoryRow): FindingSummary | null {
  if (row.finding_id === null || row.finding_status === null || row.finding_updated_at === null) return null;
  return {
    id: row.finding_id,
    status: row.finding_status as FindingStatus,
    owner: row.finding_owner,
    notes: row.finding_notes,
    reason: row.finding_reason,
    expiresAt: row.finding_expires_at,
    updatedAt: row.finding_updated_at,
  };
}
