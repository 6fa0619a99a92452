// Schema migrations, applied in order; `PRAGMA user_version` records the last one applied. They are SQL
// strings in a TS module, not .sql files, so they ship in dist/ with no copy step. Never edit a released
// migration: add the next one. PostgreSQL applies the same text, rewritten by pg-dialect.ts, and records the
// version in camaudit_meta ('schema_version'): write SQL both read (no SQLite-only functions or pragmas).
//
// Conventions: STRICT tables; ISO-8601 text timestamps; lists and evidence as JSON text, checked with
// json_valid(). CHECK constraints guard closed vocabularies that are not expected to grow (confidence,
// basis, scan status). Vocabularies that will grow (source ids, device types, finding statuses) are left
// unchecked, because SQLite cannot alter a CHECK without rebuilding the table.

import { INVENTORY_SQL } from './migration-2-inventory.js';
import { SCHEDULES_SQL } from './migration-3-schedules.js';
import { DECISIONS_SQL } from './migration-4-decisions.js';
import { SITES_SQL } from './migration-5-sites.js';
import { FLEET_SCHEDULES_SQL } from './migration-6-fleet-schedules.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
-- Marks the file as camaudit's: a database with tables but without this one is refused, never altered.
CREATE TABLE camaudit_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
INSERT INTO camaudit_meta (key, value) VALUES ('application', 'camaudit');

CREATE TABLE scans (
  id          INTEGER PRIMARY KEY,
  started_at  TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('complete', 'interrupted')),
  targets     TEXT NOT NULL CHECK (json_valid(targets)), -- string[]
  policy      TEXT NOT NULL CHECK (json_valid(policy)),  -- list ids applied
  runs        TEXT NOT NULL CHECK (json_valid(runs)),    -- SourceRun[]
  saved_at    TEXT NOT NULL
) STRICT;

-- One row per device per scan: the scan's judgement, never updated afterwards.
CREATE TABLE devices (
  id                     INTEGER PRIMARY KEY,
  scan_id                INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  ip                     TEXT NOT NULL,
  ip_key                 BLOB NOT NULL, -- 16-byte big-endian address (IPv4 mapped) for numeric ordering
  mac                    TEXT,
  mac_source             TEXT,
  oui_vendor             TEXT,
  manufacturer           TEXT,
  manufacturer_name      TEXT,
  brand                  TEXT,
  brand_name             TEXT,
  model                  TEXT,
  firmware               TEXT,
  serial                 TEXT,
  device_type            TEXT NOT NULL,
  confidence             TEXT CHECK (confidence IN ('high', 'medium', 'low')),
  relabel                TEXT CHECK (json_valid(relabel)),   -- {brand, builtBy, confidence} when the maker came from a relabel
  evidence               TEXT NOT NULL CHECK (json_valid(evidence)),  -- EvidenceItem[]
  conflicts              TEXT NOT NULL CHECK (json_valid(conflicts)), -- string[]
  flagged                INTEGER NOT NULL CHECK (flagged IN (0, 1)),
  restricted_entity      TEXT,
  restricted_entity_name TEXT,
  restriction_lists      TEXT CHECK (json_valid(restriction_lists)),    -- ListRef[]
  restriction_basis      TEXT CHECK (restriction_basis IN ('manufacturer', 'subsidiary', 'oem')),
  restriction_confidence TEXT CHECK (restriction_confidence IN ('high', 'medium', 'low')),
  restriction_evidence   TEXT CHECK (json_valid(restriction_evidence)), -- EvidenceItem[]
  -- A flagged device has a complete restriction and an unflagged one has none.
  CHECK ((flagged = 1) = (restricted_entity IS NOT NULL AND restriction_lists IS NOT NULL
    AND restriction_basis IS NOT NULL AND restriction_confidence IS NOT NULL AND restriction_evidence IS NOT NULL)),
  CHECK (flagged = 1 OR (restricted_entity IS NULL AND restriction_lists IS NULL
    AND restriction_basis IS NULL AND restriction_confidence IS NULL AND restriction_evidence IS NULL))
) STRICT;
CREATE INDEX devices_scan_flagged ON devices (scan_id, flagged, ip_key);
CREATE INDEX devices_ip ON devices (ip);
CREATE INDEX devices_mac ON devices (mac) WHERE mac IS NOT NULL;

CREATE TABLE observations (
  id        INTEGER PRIMARY KEY,
  scan_id   INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  source    TEXT NOT NULL,
  ip        TEXT NOT NULL, -- as seen; a device merged by MAC may have answered on more than one address
  key       TEXT NOT NULL,
  value     TEXT NOT NULL,
  detail    TEXT NOT NULL,
  at        TEXT NOT NULL
) STRICT;
CREATE INDEX observations_scan ON observations (scan_id);
CREATE INDEX observations_device ON observations (device_id);

-- The removal workflow's record for a flagged device. Unlike devices, rows here change: status, owner and
-- notes are edited later, each change leaving a row in finding_history. Status values are validated in code.
CREATE TABLE findings (
  id         INTEGER PRIMARY KEY,
  scan_id    INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  device_id  INTEGER NOT NULL UNIQUE REFERENCES devices (id) ON DELETE CASCADE,
  entity     TEXT NOT NULL,
  lists      TEXT NOT NULL CHECK (json_valid(lists)), -- ListRef[]
  basis      TEXT NOT NULL CHECK (basis IN ('manufacturer', 'subsidiary', 'oem')),
  confidence TEXT NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
  status     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  owner      TEXT,
  notes      TEXT
) STRICT;
CREATE INDEX findings_scan ON findings (scan_id);
CREATE INDEX findings_status ON findings (status);

CREATE TABLE finding_history (
  id         INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
  at         TEXT NOT NULL,
  actor      TEXT,          -- who made the change; null for camaudit itself
  field      TEXT NOT NULL, -- 'status', 'owner' or 'notes'
  old_value  TEXT,
  new_value  TEXT
) STRICT;
CREATE INDEX finding_history_finding ON finding_history (finding_id);
`,
  },
  {
    version: 2,
    name: 'inventory',
    sql: INVENTORY_SQL,
  },
  {
    version: 3,
    name: 'schedules',
    sql: SCHEDULES_SQL,
  },
  {
    version: 4,
    name: 'policy decisions',
    sql: DECISIONS_SQL,
  },
  {
    version: 5,
    name: 'sites',
    sql: SITES_SQL,
  },
  {
    version: 6,
    name: 'fleet schedules',
    sql: FLEET_SCHEDULES_SQL,
  },
];

export const SCHEMA_VERSION: number = MIGRATIONS.length;
/** The migration that added sites: stores name the rows older ones wrote (sites.ts). */
export const SITES_VERSION = 5;
