// Migration 2: the inventory. Scans stay the immutable record of what each scan saw and judged; an asset
// is one physical device across scans (src/inventory/identity.ts decides who is who) holding its current
// state, and findings now belong to assets, so a status survives the next scan.
//
// Schema-1 findings were one row per flagged device per scan, and nothing but the scan itself ever wrote
// them (status 'open', no owner, no notes): they are dropped here and rebuilt from the stored scans by the
// store on first open (scans.scope IS NULL marks a scan not yet in the inventory).
export const INVENTORY_SQL = `
-- The current state of each device: the columns of its latest devices row (same names, so one row
-- converter serves both) with the judgement replaced when \`camaudit reevaluate\` re-judged it.
CREATE TABLE assets (
  id                     INTEGER PRIMARY KEY,
  identity               TEXT NOT NULL, -- what first identified it: 'mac:…', 'serial:…' or 'ip:…' (informative)
  scope                  TEXT NOT NULL, -- targets of the scan that last saw it (src/inventory/identity.ts scopeKey)
  first_scan_id          INTEGER NOT NULL REFERENCES scans (id),
  last_scan_id           INTEGER NOT NULL REFERENCES scans (id),
  last_device_id         INTEGER NOT NULL REFERENCES devices (id),
  first_seen             TEXT NOT NULL,
  last_seen              TEXT NOT NULL,
  judged_at              TEXT NOT NULL,
  judged_by              TEXT NOT NULL, -- 'scan' or 'reevaluate'
  policy                 TEXT NOT NULL CHECK (json_valid(policy)), -- list ids of the current judgement
  ip                     TEXT NOT NULL,
  ip_key                 BLOB NOT NULL,
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
  relabel                TEXT CHECK (json_valid(relabel)),
  evidence               TEXT NOT NULL CHECK (json_valid(evidence)),
  conflicts              TEXT NOT NULL CHECK (json_valid(conflicts)),
  flagged                INTEGER NOT NULL CHECK (flagged IN (0, 1)),
  restricted_entity      TEXT,
  restricted_entity_name TEXT,
  restriction_lists      TEXT CHECK (json_valid(restriction_lists)),
  restriction_basis      TEXT CHECK (restriction_basis IN ('manufacturer', 'subsidiary', 'oem')),
  restriction_confidence TEXT CHECK (restriction_confidence IN ('high', 'medium', 'low')),
  restriction_evidence   TEXT CHECK (json_valid(restriction_evidence)),
  CHECK ((flagged = 1) = (restricted_entity IS NOT NULL AND restriction_lists IS NOT NULL
    AND restriction_basis IS NOT NULL AND restriction_confidence IS NOT NULL AND restriction_evidence IS NOT NULL))
) STRICT;
CREATE INDEX assets_mac ON assets (mac) WHERE mac IS NOT NULL;
CREATE INDEX assets_serial ON assets (serial) WHERE serial IS NOT NULL;
CREATE INDEX assets_scope_ip ON assets (scope, ip);

-- What changed about an asset and when: IP, MAC, firmware, attribution, flag. scan_id is null for a re-evaluation.
CREATE TABLE asset_history (
  id        INTEGER PRIMARY KEY,
  asset_id  INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  at        TEXT NOT NULL,
  scan_id   INTEGER REFERENCES scans (id),
  field     TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT
) STRICT;
CREATE INDEX asset_history_asset ON asset_history (asset_id);

ALTER TABLE devices ADD COLUMN asset_id INTEGER REFERENCES assets (id);
CREATE INDEX devices_asset ON devices (asset_id);
ALTER TABLE scans ADD COLUMN scope TEXT; -- set once the scan is in the inventory

DROP TABLE finding_history;
DROP TABLE findings;

-- One finding per flagged asset. Status values are validated in code (src/inventory/findings.ts).
CREATE TABLE findings (
  id            INTEGER PRIMARY KEY,
  asset_id      INTEGER NOT NULL UNIQUE REFERENCES assets (id) ON DELETE CASCADE,
  first_scan_id INTEGER REFERENCES scans (id), -- null when a re-evaluation raised it
  entity        TEXT NOT NULL,
  lists         TEXT NOT NULL CHECK (json_valid(lists)), -- ListRef[]
  basis         TEXT NOT NULL CHECK (basis IN ('manufacturer', 'subsidiary', 'oem')),
  confidence    TEXT NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
  status        TEXT NOT NULL,
  owner         TEXT,
  notes         TEXT, -- the latest note; every note is kept in finding_history
  reason        TEXT, -- why the exception was granted
  expires_at    TEXT, -- YYYY-MM-DD, the last day the exception holds
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  CHECK (status <> 'exception' OR (reason IS NOT NULL AND expires_at IS NOT NULL))
) STRICT;
CREATE INDEX findings_status ON findings (status);

-- Every change to a finding: who (null for camaudit itself), when, which field, and why.
CREATE TABLE finding_history (
  id         INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
  at         TEXT NOT NULL,
  actor      TEXT,
  scan_id    INTEGER REFERENCES scans (id),
  field      TEXT NOT NULL, -- 'status', 'owner', 'note', 'expires', 'entity'
  old_value  TEXT,
  new_value  TEXT,
  why        TEXT
) STRICT;
CREATE INDEX finding_history_finding ON finding_history (finding_id);
`;
