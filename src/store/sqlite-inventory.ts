// The inventory's writes: a saved scan's devices matched to assets, their changes recorded, and their findings
// moved along the workflow. The decisions are pure (src/inventory/); this file only reads their inputs and
// writes their outcomes. Every method runs inside a transaction the caller holds.
import type Database from 'better-sqlite3';
import type { FindingStatus, JudgedDevice, ListRef } from '../core/types.js';
import { changesBetween, factsOf, type DeviceFacts, type FieldChange } from '../inventory/changes.js';
import { afterAbsence, afterExpiry, afterSighting, dayOf, userTransition, type FindingState, type Transition, type UserChange } from '../inventory/findings.js';
import { identityLabel, matchAssets, scopeKey, type KnownAsset } from '../inventory/identity.js';
import type { Reevaluated } from '../inventory/types.js';
import { DEVICE_COLUMNS, deviceParams, listIds, toExportDevice, type DeviceRow, type SavedDevice } from './sqlite-rows.js';
import type { EntityNames } from './store.js';
import { q, type Step } from './steps.js';

const COLS = DEVICE_COLUMNS.join(', ');
const VALUES = DEVICE_COLUMNS.map((c) => `@${c}`).join(', ');
const setting = (columns: readonly string[]) => columns.map((c) => `${c} = @${c}`).join(', ');
const SET_ALL = setting(DEVICE_COLUMNS);
const SET_JUDGED = setting(DEVICE_COLUMNS.filter((c) => c !== 'ip' && c !== 'ip_key'));
const UNCHANGED = DEVICE_COLUMNS.map((c) => `${c} IS NOT DISTINCT FROM @${c}`).join(' AND ');

interface FindingRow {
  id: number;
  asset_id: number;
  status: FindingStatus;
  owner: string | null;
  notes: string | null;
  reason: string | null;
  expires_at: string | null;
  entity: string;
}

interface ScanMeta {
  id: number;
  site: string;
  started_at: string;
  status: 'complete' | 'interrupted';
  targets: string;
  policy: string;
}

type WithId = DeviceRow & { id: number };

/** The columns of an assets or devices row that its history (inventory/changes.ts) compares. */
const FACT_COLUMNS = 'ip, mac, firmware, serial, manufacturer, brand, model, device_type, flagged, restricted_entity, restriction_lists, restriction_basis, restriction_confidence';
type FactRow = Pick<DeviceRow, 'ip' | 'mac' | 'firmware' | 'serial' | 'manufacturer' | 'brand' | 'model' | 'device_type' | 'flagged' | RestrictionColumn>;
type RestrictionColumn = 'restricted_entity' | 'restriction_lists' | 'restriction_basis' | 'restriction_confidence';

/** The restriction a finding carries, from a device row. */
function restrictionOf(row: Pick<DeviceRow, RestrictionColumn>): { entity: string; lists: string; basis: string; confidence: string } | null {
  if (row.restricted_entity === null || row.restriction_lists === null || row.restriction_basis === null || row.restriction_confidence === null) return null;
  return { entity: row.restricted_entity, lists: row.restriction_lists, basis: row.restriction_basis, confidence: row.restriction_confidence };
}

/** factsOf(toExportDevice(row)) without decoding the evidence, which a scan's worth of rows spent seconds on. */
function factsOfRow(row: FactRow): DeviceFacts {
  const r = restrictionOf(row);
  return {
    ip: row.ip,
    mac: row.mac,
    firmware: row.firmware,
    serial: row.serial,
    manufacturer: row.manufacturer,
    brand: row.brand,
    model: row.model,
    deviceType: row.device_type,
    flagged: row.flagged === 1,
    entity: r?.entity ?? null,
    lists: r === null ? [] : listIds(JSON.parse(r.lists) as ListRef[]),
  };
}

export type Statements = ReturnType<typeof prepare>;

const stateOf = (f: FindingRow): FindingState => ({ status: f.status, owner: f.owner, notes: f.notes, reason: f.reason, expiresAt: f.expires_at });

/** Who and when a finding change is recorded with. */
interface Context {
  readonly at: string;
  readonly actor: string | null;
  readonly scanId: number | null;
}

/** Also run on PostgreSQL through pg-db.ts, so the statements use only SQL both read. */
export function prepare(db: Database.Database) {
  const readRow = `SELECT id, ip, mac, mac_source, oui_vendor, manufacturer, manufacturer_name, brand, brand_name, model, firmware, serial,
    device_type, confidence, evidence, conflicts, flagged, restricted_entity, restricted_entity_name, restriction_lists,
    restriction_basis, restriction_confidence`;
  return {
    scan: db.prepare<[number], ScanMeta>('SELECT id, site, started_at, status, targets, policy FROM scans WHERE id = ?'),
    pendingScans: db.prepare<[], number>('SELECT id FROM scans WHERE scope IS NULL ORDER BY id').pluck(),
    setScope: db.prepare<[string, number]>('UPDATE scans SET scope = ? WHERE id = ?'),
    scanDevices: db.prepare<[number], SavedDevice>(`SELECT id, ${COLS} FROM devices WHERE scan_id = ? ORDER BY id`),
    // Identity is per site: the same private address, or a MAC seen at another site, is another device there.
    // Read once per scan, with what the changes of every device seen again are computed from.
    knownAssets: db.prepare<[string], FactRow & KnownAsset>(`SELECT id, ${FACT_COLUMNS}, scope, last_scan_id AS "lastScanId" FROM assets WHERE site = ?`),
    asset: db.prepare<[number], WithId>(`${readRow} FROM assets WHERE id = ?`),
    // From the values the save holds rather than from the devices row just written: reading it back cost a lookup per row.
    insertAsset: db.prepare(`
      INSERT INTO assets (identity, scope, site, first_scan_id, last_scan_id, last_device_id, first_seen, last_seen, judged_at, judged_by, policy, ${COLS})
      VALUES (@identity, @scope, @site, @scan_id, @scan_id, @device_id, @seen, @seen, @now, 'scan', @policy, ${VALUES})`),
    refreshAsset: db.prepare(`
      UPDATE assets SET scope = @scope, last_scan_id = @scan_id, last_device_id = @device_id, last_seen = @seen, judged_at = @now,
        judged_by = 'scan', policy = @policy, ${SET_ALL}
      WHERE id = @asset_id`),
    // A device seen again unchanged (most of them) only moves its asset's sighting. Leaving the judged columns out
    // of the SET spares their indexes and CHECKs: the 99,000 refreshes of a second 100,000-device scan went from
    // about 7 s to 1.3 to 2.3 s. It changes nothing when any column differs, and then refreshAsset runs.
    touchAsset: db.prepare(`
      UPDATE assets SET last_scan_id = @scan_id, last_device_id = @device_id, last_seen = @seen, judged_at = @now, judged_by = 'scan', policy = @policy
      WHERE id = @asset_id AND scope IS NOT DISTINCT FROM @scope AND ${UNCHANGED}`),
    rejudgeAsset: db.prepare(`UPDATE assets SET judged_at = @now, judged_by = 'reevaluate', policy = @policy, ${SET_JUDGED} WHERE id = @asset_id`),
    // Once per scan, after every device became the last device of its asset (index assets_last_device).
    linkDevices: db.prepare<[number]>('UPDATE devices SET asset_id = (SELECT a.id FROM assets a WHERE a.last_device_id = devices.id) WHERE scan_id = ?'),
    assetHistory: db.prepare(`INSERT INTO asset_history (asset_id, at, scan_id, field, old_value, new_value) VALUES (@asset_id, @at, @scan_id, @field, @from, @to)`),
    findingOf: db.prepare<[number], FindingRow>('SELECT id, asset_id, status, owner, notes, reason, expires_at, entity FROM findings WHERE asset_id = ?'),
    finding: db.prepare<[number], FindingRow>('SELECT id, asset_id, status, owner, notes, reason, expires_at, entity FROM findings WHERE id = ?'),
    siteFindings: db.prepare<[string], FindingRow>(`
      SELECT f.id, f.asset_id, f.status, f.owner, f.notes, f.reason, f.expires_at, f.entity FROM findings f JOIN assets a ON a.id = f.asset_id WHERE a.site = ?`),
    absent: db.prepare<[string, string, number], FindingRow>(`
      SELECT f.id, f.asset_id, f.status, f.owner, f.notes, f.reason, f.expires_at, f.entity FROM findings f JOIN assets a ON a.id = f.asset_id
      WHERE a.site = ? AND a.scope = ? AND a.last_scan_id < ? AND f.status IN ('open', 'acknowledged', 'exception') ORDER BY f.id`),
    expiring: db.prepare<[string], FindingRow>(
      "SELECT id, asset_id, status, owner, notes, reason, expires_at, entity FROM findings WHERE status = 'exception' AND expires_at < ? ORDER BY id",
    ),
    insertFinding: db.prepare(`
      INSERT INTO findings (asset_id, first_scan_id, entity, lists, basis, confidence, status, created_at, updated_at)
      VALUES (@asset_id, @scan_id, @entity, @lists, @basis, @confidence, @status, @at, @at)`),
    updateFinding: db.prepare(`
      UPDATE findings SET status = @status, owner = @owner, notes = @notes, reason = @reason, expires_at = @expires_at, updated_at = @at WHERE id = @id`),
    updateRestriction: db.prepare('UPDATE findings SET entity = @entity, lists = @lists, basis = @basis, confidence = @confidence WHERE id = @id'),
    findingHistory: db.prepare(`
      INSERT INTO finding_history (finding_id, at, actor, scan_id, field, old_value, new_value, why)
      VALUES (@finding_id, @at, @actor, @scan_id, @field, @old_value, @new_value, @why)`),
  };
}

/**
 * The inventory's writes as steps (steps.ts) over the statements of prepare(), run by both backends through
 * store-steps.ts, so they keep one inventory logic.
 */
export class InventorySteps {
  readonly #sql: Statements;
  readonly #now: () => Date;

  /** On PostgreSQL, `sql` holds pg-db.ts statements typed as better-sqlite3's: q() resolves either. */
  constructor(sql: Statements, now: () => Date) {
    this.#sql = sql;
    this.#now = now;
  }

  /** Ids of scans saved before the inventory existed (schema 1), oldest first. */
  *pendingScans(): Step<number[]> {
    return yield* q(this.#sql.pendingScans.all());
  }

  /**
   * Puts a saved scan into the inventory: assets, their history, findings opened, reopened or remediated.
   * `saved` are the scan's devices rows as just written, in id order; without them they are read back.
   */
  *addScan(scanId: number, saved?: readonly SavedDevice[]): Step<void> {
    const sql = this.#sql;
    const scan = yield* q(sql.scan.get(scanId));
    if (!scan) throw new Error(`scan ${scanId} vanished inside its own transaction`);
    const scope = scopeKey(JSON.parse(scan.targets) as string[]);
    const now = this.#now().toISOString();
    const devices = saved ?? (yield* q(sql.scanDevices.all(scanId)));
    // Read once, not per device: a round trip per device is what a sensor far from a central server pays for.
    const known = yield* q(sql.knownAssets.all(scan.site));
    const matched = matchAssets(devices, known, scope);
    const knownById = new Map(known.map((a) => [a.id, a]));
    const findings = new Map((yield* q(sql.siteFindings.all(scan.site))).map((f) => [f.asset_id, f]));
    const ctx: Context = { at: scan.started_at, actor: null, scanId };
    const by = `scan ${scanId}`;
    for (const [i, device] of devices.entries()) {
      const params = { ...device, scope, scan_id: scanId, device_id: device.id, seen: scan.started_at, now, policy: scan.policy };
      let assetId = matched[i] ?? null;
      if (assetId === null) {
        assetId = Number((yield* q(sql.insertAsset.run({ ...params, site: scan.site, identity: identityLabel(device) }))).lastInsertRowid);
      } else {
        const before = knownById.get(assetId)!;
        yield* this.#recordChanges(assetId, changesBetween(factsOfRow(before), factsOfRow(device)), scan.started_at, scanId);
        const refresh = { ...params, asset_id: assetId };
        if ((yield* q(sql.touchAsset.run(refresh))).changes === 0) yield* q(sql.refreshAsset.run(refresh));
      }
      // matchAssets gives an asset to one device at most, so the finding read above is still current.
      yield* this.#sight(assetId, device, ctx, by, findings.get(assetId) ?? null);
    }
    yield* q(sql.linkDevices.run(scanId));
    if (scan.status === 'complete') {
      for (const f of yield* q(sql.absent.all(scan.site, scope, scanId))) yield* this.#apply(f, afterAbsence(stateOf(f), scanId), ctx);
    }
    yield* q(sql.setScope.run(scope, scanId));
    yield* this.expire();
  }

  /** Exceptions past their expiry date return to open. Returns how many did. */
  *expire(): Step<number> {
    const now = this.#now();
    const ctx: Context = { at: now.toISOString(), actor: null, scanId: null };
    const due = yield* q(this.#sql.expiring.all(dayOf(now)));
    for (const f of due) yield* this.#apply(f, afterExpiry(stateOf(f), dayOf(now)), ctx);
    return due.length;
  }

  /** A person's change to a finding; throws a UsageError when the workflow does not allow it. */
  *changeFinding(id: number, change: UserChange, actor: string): Step<boolean> {
    const f = yield* q(this.#sql.finding.get(id));
    if (!f) return false;
    const now = this.#now();
    yield* this.#apply(f, userTransition(stateOf(f), change, dayOf(now)), { at: now.toISOString(), actor, scanId: null });
    return true;
  }

  /** Stores a re-evaluation's judgements as the assets' current ones, moving findings accordingly. */
  *rejudge(items: readonly { assetId: number; judged: JudgedDevice }[], policy: readonly string[], names: EntityNames): Step<Reevaluated[]> {
    const sql = this.#sql;
    const now = this.#now().toISOString();
    const ctx: Context = { at: now, actor: null, scanId: null };
    const by = `re-evaluation under ${policy.join(',')}`;
    const out: Reevaluated[] = [];
    for (const { assetId, judged } of items) {
      const before = yield* q(sql.asset.get(assetId));
      if (!before) continue;
      const { scan_id: _scan, ip: _ip, ip_key: _key, ...params } = deviceParams(0, judged, names);
      yield* q(sql.rejudgeAsset.run({ ...params, now, policy: JSON.stringify(policy), asset_id: assetId }));
      const after = (yield* q(sql.asset.get(assetId)))!;
      const changes = changesBetween(factsOf(toExportDevice(before)), factsOf(toExportDevice(after)));
      yield* this.#recordChanges(assetId, changes, now, null);
      const previous = (yield* q(sql.findingOf.get(assetId)))?.status ?? null;
      yield* this.#sight(assetId, after, ctx, by);
      const status = (yield* q(sql.findingOf.get(assetId)))?.status ?? null;
      const finding = status !== null && status !== previous ? { from: previous, to: status } : null;
      if (changes.length || finding) out.push({ device: toExportDevice(after), changes, finding });
    }
    return out;
  }

  *#recordChanges(assetId: number, changes: readonly FieldChange[], at: string, scanId: number | null): Step<void> {
    for (const c of changes) yield* q(this.#sql.assetHistory.run({ asset_id: assetId, at, scan_id: scanId, field: c.field, from: c.from, to: c.to }));
  }

  /** The device was seen or re-judged: open, reopen or withdraw its finding, and keep its restriction current. */
  *#sight(assetId: number, device: DeviceRow, ctx: Context, by: string, known?: FindingRow | null): Step<void> {
    const sql = this.#sql;
    const r = restrictionOf(device);
    const f = known !== undefined ? known : ((yield* q(sql.findingOf.get(assetId))) ?? null);
    const t = afterSighting(f && stateOf(f), r !== null, by, ctx.scanId !== null); // a re-evaluation sees nothing
    if (f === null) {
      if (t === null || r === null) return;
      const id = Number((yield* q(sql.insertFinding.run({ asset_id: assetId, scan_id: ctx.scanId, ...r, status: t.next.status, at: ctx.at }))).lastInsertRowid);
      yield* this.#history(id, t, ctx);
      return;
    }
    if (r !== null) {
      yield* q(sql.updateRestriction.run({ id: f.id, ...r }));
      if (r.entity !== f.entity) yield* this.#event(f.id, ctx, { field: 'entity', old_value: f.entity, new_value: r.entity, why: `judged by ${by}` });
    }
    yield* this.#apply(f, t, ctx);
  }

  *#apply(f: FindingRow, t: Transition | null, ctx: Context): Step<void> {
    if (t === null) return;
    const n = t.next;
    yield* q(this.#sql.updateFinding.run({ id: f.id, status: n.status, owner: n.owner, notes: n.notes, reason: n.reason, expires_at: n.expiresAt, at: ctx.at }));
    yield* this.#history(f.id, t, ctx);
  }

  *#history(findingId: number, t: Transition, ctx: Context): Step<void> {
    for (const c of t.changes) yield* this.#event(findingId, ctx, { field: c.field, old_value: c.oldValue, new_value: c.newValue, why: c.why });
  }

  *#event(findingId: number, ctx: Context, e: { field: string; old_value: string | null; new_value: string | null; why: string | null }): Step<void> {
    yield* q(this.#sql.findingHistory.run({ finding_id: findingId, at: ctx.at, actor: ctx.actor, scan_id: ctx.scanId, ...e }));
  }
}
