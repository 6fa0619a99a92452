// The inventory's reads: devices of a scan or of the whole inventory with their asset and finding, findings with
// their history, and what a re-evaluation needs (each asset's latest observations).
import type Database from 'better-sqlite3';
import type { Basis, Confidence, ListRef, Observation, SourceId } from '../core/types.js';
import type { MergedDevice } from '../core/merge.js';
import type { ChangeField } from '../inventory/changes.js';
import type { AssetEvent, FindingEvent, FindingRecord } from '../inventory/types.js';
import { toInventoryDevice, type GroupRow, type InventoryRow } from './sqlite-rows.js';
import { q as step, type Step } from './steps.js';
import type { DeviceSource } from './store.js';

const READ_COLS = ['ip', 'mac', 'mac_source', 'oui_vendor', 'manufacturer', 'manufacturer_name', 'brand', 'brand_name', 'model', 'firmware', 'serial',
  'device_type', 'confidence', 'evidence', 'conflicts', 'flagged', 'restricted_entity', 'restricted_entity_name', 'restriction_lists',
  'restriction_basis', 'restriction_confidence', 'decided_by'];
const cols = (t: string): string => READ_COLS.map((c) => `${t}.${c}`).join(', ');
const FINDING = `f.id AS finding_id, f.status AS finding_status, f.owner AS finding_owner, f.notes AS finding_notes, f.reason AS finding_reason,
  f.expires_at AS finding_expires_at, f.updated_at AS finding_updated_at`;
const ORDER = (t: string): string => `ORDER BY ${t}.flagged DESC, ${t}.ip_key, ${t}.ip, ${t}.id`;
const SCAN_JOIN = 'FROM devices d LEFT JOIN assets a ON a.id = d.asset_id LEFT JOIN findings f ON f.asset_id = a.id WHERE d.scan_id = @scan_id';
const INVENTORY_JOIN = 'FROM assets a LEFT JOIN findings f ON f.asset_id = a.id';

const SCAN_DEVICES = `
  SELECT ${cols('d')}, a.id AS asset_id, a.site, a.first_seen, a.last_seen, ${FINDING}
  ${SCAN_JOIN} AND (@flagged_only = 0 OR d.flagged = 1) ${ORDER('d')}`;
const INVENTORY_DEVICES = `
  SELECT ${cols('a')}, a.id AS asset_id, a.site, a.first_seen, a.last_seen, ${FINDING}
  ${INVENTORY_JOIN} ${ORDER('a')}`;

// Every column a TalliedDevice is made from (toDeviceGroup), and nothing that tells devices apart.
const GROUPED = (t: string): string => `
  SELECT ${t}.flagged, ${t}.restricted_entity, ${t}.restricted_entity_name, ${t}.restriction_lists, ${t}.restriction_basis,
    ${t}.restriction_confidence, ${t}.manufacturer, ${t}.brand, ${t}.device_type, CASE WHEN a.id IS NULL THEN 0 ELSE 1 END AS in_inventory,
    a.site, a.last_seen, f.status AS finding_status, count(*) AS devices`;
const GROUP_BY = 'GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13';

/** The statement behind Store.deviceStream: exportDocument's or inventory()'s, read as iterated. */
export function deviceRead(source: DeviceSource): { sql: string; args: unknown[] } {
  return source === 'inventory' ? { sql: INVENTORY_DEVICES, args: [] } : { sql: SCAN_DEVICES, args: [{ scan_id: source, flagged_only: 0 }] };
}

interface FindingListRow extends InventoryRow {
  created_at: string;
  entity: string;
  lists: string;
  basis: string;
  f_confidence: string;
}

interface HistoryRow {
  finding_id: number;
  at: string;
  actor: string | null;
  scan_id: number | null;
  field: FindingEvent['field'];
  old_value: string | null;
  new_value: string | null;
  why: string | null;
}

/** L2 sources: a MAC they report is the one a re-evaluation starts from (identify() re-derives stated ones). */
const L2_SOURCES: ReadonlySet<string> = new Set(['nmap', 'neighbours']);

/** Also run on PostgreSQL through pg-db.ts, so the statements use only SQL both read. */
export function prepareQueries(db: Database.Database) {
  const q = {
    scanDevices: db.prepare<{ scan_id: number; flagged_only: 0 | 1 }, InventoryRow>(SCAN_DEVICES),
    inventory: db.prepare<[], InventoryRow>(INVENTORY_DEVICES),
    scanGroups: db.prepare<{ scan_id: number }, GroupRow>(`${GROUPED('d')} ${SCAN_JOIN} ${GROUP_BY}`),
    inventoryGroups: db.prepare<[], GroupRow>(`${GROUPED('a')} ${INVENTORY_JOIN} ${GROUP_BY}`),
    findings: db.prepare<[], FindingListRow>(`
      SELECT ${cols('a')}, a.id AS asset_id, a.site, a.first_seen, a.last_seen, ${FINDING},
        f.created_at, f.entity, f.lists, f.basis, f.confidence AS f_confidence
      FROM findings f JOIN assets a ON a.id = f.asset_id ORDER BY f.id`),
    history: db.prepare<[], HistoryRow>('SELECT finding_id, at, actor, scan_id, field, old_value, new_value, why FROM finding_history ORDER BY id'),
    assetHistory: db.prepare<[number], { at: string; scan_id: number | null; field: ChangeField; old_value: string | null; new_value: string | null }>(
      'SELECT at, scan_id, field, old_value, new_value FROM asset_history WHERE asset_id = ? ORDER BY id',
    ),
    sightings: db.prepare<[number], { scanId: number; at: string; ip: string }>(
      'SELECT s.id AS "scanId", s.started_at AS at, d.ip FROM devices d JOIN scans s ON s.id = d.scan_id WHERE d.asset_id = ? ORDER BY s.id',
    ),
    identity: db.prepare<[number], string>('SELECT identity FROM assets WHERE id = ?').pluck(),
    assetsByRef: db.prepare<{ ref: string; id: number }, number>('SELECT id FROM assets WHERE id = @id OR ip = @ref OR mac = lower(@ref) ORDER BY id').pluck(),
    latest: db.prepare<[], { asset_id: number; device_id: number; ip: string; mac: string | null; mac_source: string | null }>(
      'SELECT a.id AS asset_id, d.id AS device_id, d.ip, d.mac, d.mac_source FROM assets a JOIN devices d ON d.id = a.last_device_id ORDER BY a.id',
    ),
    observations: db.prepare<[number], Observation>('SELECT source, at, ip, key, value, detail FROM observations WHERE device_id = ? ORDER BY id'),
  };
  return q;
}

export type Queries = ReturnType<typeof prepareQueries>;

// Steps (steps.ts), so postgres.ts runs the same reads: every statement result goes through q().
export function* findingRecords(q: Queries): Step<FindingRecord[]> {
  const history = new Map<number, FindingEvent[]>();
  for (const h of yield* step(q.history.all())) {
    const event: FindingEvent = { at: h.at, actor: h.actor, scanId: h.scan_id, field: h.field, oldValue: h.old_value, newValue: h.new_value, why: h.why };
    const list = history.get(h.finding_id);
    if (list) list.push(event);
    else history.set(h.finding_id, [event]);
  }
  return (yield* step(q.findings.all())).map((row) => {
    const device = toInventoryDevice(row);
    const f = device.finding!; // the inner join guarantees one
    return {
      id: f.id,
      status: f.status,
      owner: f.owner,
      notes: f.notes,
      reason: f.reason,
      expiresAt: f.expiresAt,
      createdAt: row.created_at,
      updatedAt: f.updatedAt,
      entity: row.entity,
      citations: JSON.parse(row.lists) as ListRef[],
      basis: row.basis as Basis,
      confidence: row.f_confidence as Confidence,
      device,
      history: history.get(f.id) ?? [],
    };
  });
}

export function* assetEvents(q: Queries, assetId: number): Step<AssetEvent[]> {
  return (yield* step(q.assetHistory.all(assetId))).map((h) => ({ at: h.at, scanId: h.scan_id, field: h.field, from: h.old_value, to: h.new_value }));
}

/** Each asset's latest sighting rebuilt as the merged device the pipeline made from it, for re-judging. */
export function* latestSightings(q: Queries): Step<{ assetId: number; device: MergedDevice }[]> {
  const out: { assetId: number; device: MergedDevice }[] = [];
  for (const row of yield* step(q.latest.all())) {
    const observations = yield* step(q.observations.all(row.device_id));
    const l2 = row.mac !== null && row.mac_source !== null && L2_SOURCES.has(row.mac_source);
    const ips = [row.ip, ...new Set(observations.map((o) => o.ip).filter((ip) => ip !== row.ip))];
    out.push({
      assetId: row.asset_id,
      device: { ip: row.ip, ips, mac: l2 ? row.mac : null, macSource: l2 ? (row.mac_source as SourceId) : null, observations },
    });
  }
  return out;
}
