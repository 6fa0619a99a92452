// Every statement of the store, prepared on a better-sqlite3 Database or on pg-db.ts's look-alike: one text
// per statement for both backends, so they use only SQL both read (pg-dialect.ts rewrites the parameters).
import type Database from 'better-sqlite3';
import { preparePush } from './push-rows.js';
import { prepare as prepareInventory } from './sqlite-inventory.js';
import { prepareQueries } from './sqlite-queries.js';
import type { ScanRow } from './sqlite-rows.js';

const SELECT_SCAN = `
  SELECT s.id, s.site, s.sensor, s.started_at, s.finished_at, s.status, s.targets, s.policy, s.runs,
    (SELECT count(*) FROM devices d WHERE d.scan_id = s.id) AS device_count,
    (SELECT count(*) FROM devices d WHERE d.scan_id = s.id AND d.flagged = 1) AS flagged_count
  FROM scans s`;

/** The scans' own statements. */
function prepareStatements(db: Database.Database) {
  return {
    insertScan: db.prepare(`
      INSERT INTO scans (started_at, finished_at, status, targets, policy, runs, saved_at, site, sensor)
      VALUES (@started_at, @finished_at, @status, @targets, @policy, @runs, @saved_at, @site, @sensor)`),
    insertDevice: db.prepare(`
      INSERT INTO devices (scan_id, ip, ip_key, mac, mac_source, oui_vendor, manufacturer, manufacturer_name,
        brand, brand_name, model, firmware, serial, device_type, confidence, relabel, evidence, conflicts, flagged,
        restricted_entity, restricted_entity_name, restriction_lists, restriction_basis, restriction_confidence,
        restriction_evidence, decided_by)
      VALUES (@scan_id, @ip, @ip_key, @mac, @mac_source, @oui_vendor, @manufacturer, @manufacturer_name,
        @brand, @brand_name, @model, @firmware, @serial, @device_type, @confidence, @relabel, @evidence, @conflicts, @flagged,
        @restricted_entity, @restricted_entity_name, @restriction_lists, @restriction_basis, @restriction_confidence,
        @restriction_evidence, @decided_by)`),
    insertObservation: db.prepare(`
      INSERT INTO observations (scan_id, device_id, source, ip, key, value, detail, at)
      VALUES (@scan_id, @device_id, @source, @ip, @key, @value, @detail, @at)`),
    scanById: db.prepare<[number], ScanRow>(`${SELECT_SCAN} WHERE s.id = ?`),
    scans: db.prepare<[], ScanRow>(`${SELECT_SCAN} ORDER BY s.id DESC`),
    latestId: db.prepare<[], number | null>('SELECT max(id) FROM scans').pluck(),
  };
}

export function prepareShared(db: Database.Database) {
  return { sql: prepareStatements(db), q: prepareQueries(db), inventory: prepareInventory(db), push: preparePush(db) };
}

export type SharedStatements = ReturnType<typeof prepareShared>;
