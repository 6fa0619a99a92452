// What `camaudit push` needs from a store: a stored scan read back whole, as the pipeline handed it over
// (with every observation and the names it was saved with), this database's own id, and the map of scans
// imported from other databases. Statements both backends read.
import type Database from 'better-sqlite3';
import type { Attribution, Basis, Confidence, DeviceType, EvidenceItem, JudgedDevice, ListRef, Observation, PolicyDecision, ScanResult, SourceId, SourceRun } from '../core/types.js';
import type { DeviceRow, ScanRow } from './sqlite-rows.js';
import type { EntityNames } from './store.js';

/** A devices row with the columns only a full read needs. */
interface FullDeviceRow extends DeviceRow {
  id: number;
  relabel: string | null;
  restriction_evidence: string | null;
  decided_by: string | null;
}

type ObservationRow = Observation & { device_id: number };

/** Where an imported scan came from: the pushing database's id and the scan's id there. */
export interface ScanOrigin {
  readonly source: string;
  readonly scanId: number;
}

export function preparePush(db: Database.Database) {
  return {
    devices: db.prepare<[number], FullDeviceRow>(`
      SELECT id, ip, mac, mac_source, oui_vendor, manufacturer, manufacturer_name, brand, brand_name, model, firmware, serial,
        device_type, confidence, relabel, evidence, conflicts, flagged, restricted_entity, restricted_entity_name, restriction_lists,
        restriction_basis, restriction_confidence, restriction_evidence, decided_by
      FROM devices WHERE scan_id = ? ORDER BY id`),
    observations: db.prepare<[number], ObservationRow>('SELECT device_id, source, at, ip, key, value, detail FROM observations WHERE scan_id = ? ORDER BY id'),
    meta: db.prepare<[string], string>('SELECT value FROM camaudit_meta WHERE key = ?').pluck(),
    // ON CONFLICT DO NOTHING: two processes making the id at once keep the first one's.
    addMeta: db.prepare<[string, string]>('INSERT INTO camaudit_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING'),
    imported: db.prepare<[string, number], number>('SELECT scan_id FROM pushed_scans WHERE source = ? AND source_scan_id = ?').pluck(),
    recordImport: db.prepare<[string, number, number, string]>('INSERT INTO pushed_scans (source, source_scan_id, scan_id, pushed_at) VALUES (?, ?, ?, ?)'),
  };
}

export type PushStatements = ReturnType<typeof preparePush>;

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function toJudgedDevice(row: FullDeviceRow, observations: readonly Observation[]): JudgedDevice {
  const attribution: Attribution = {
    manufacturer: row.manufacturer,
    brand: row.brand,
    model: row.model,
    firmware: row.firmware,
    serial: row.serial,
    deviceType: row.device_type as DeviceType,
    confidence: row.confidence as Confidence | null,
    relabel: json<Attribution['relabel']>(row.relabel),
    evidence: JSON.parse(row.evidence) as EvidenceItem[],
    conflicts: JSON.parse(row.conflicts) as string[],
  };
  const restriction =
    row.restricted_entity === null
      ? null
      : {
          entity: row.restricted_entity,
          lists: json<ListRef[]>(row.restriction_lists) ?? [],
          basis: row.restriction_basis as Basis,
          confidence: row.restriction_confidence as Confidence,
          evidence: json<EvidenceItem[]>(row.restriction_evidence) ?? [],
        };
  return {
    ip: row.ip,
    mac: row.mac,
    macSource: row.mac_source as SourceId | null,
    ouiVendor: row.oui_vendor,
    observations,
    matches: [], // fingerprint matches are evidence at save time and are not stored on their own
    attribution,
    restriction,
    decidedBy: json<PolicyDecision>(row.decided_by),
  };
}

/** The scan as saved, and the entity names it was saved with (so a push keeps them, whatever vendor-db the target has). */
export function toScanResult(scan: ScanRow, devices: readonly FullDeviceRow[], observations: readonly ObservationRow[]): { result: ScanResult; names: EntityNames } {
  const byDevice = new Map<number, Observation[]>();
  for (const { device_id, ...o } of observations) {
    const list = byDevice.get(device_id);
    if (list) list.push(o);
    else byDevice.set(device_id, [o]);
  }
  const names = new Map<string, string>();
  for (const d of devices) {
    for (const [id, name] of [[d.manufacturer, d.manufacturer_name], [d.brand, d.brand_name], [d.restricted_entity, d.restricted_entity_name]] as const) {
      if (id !== null && name !== null) names.set(id, name);
    }
  }
  const result: ScanResult = {
    scan: {
      startedAt: scan.started_at,
      finishedAt: scan.finished_at,
      status: scan.status,
      targets: JSON.parse(scan.targets) as string[],
      policy: JSON.parse(scan.policy) as string[],
      site: scan.site,
      sensor: scan.sensor,
    },
    runs: JSON.parse(scan.runs) as SourceRun[],
    devices: devices.map((d) => toJudgedDevice(d, byDevice.get(d.id) ?? [])),
  };
  return { result, names: (id) => names.get(id) ?? null };
}
