// Migration 5: fleets. Every scan records the site it was taken at and the sensor that took it, and an
// asset belongs to one site: the same private address at two sites is two devices. Rows from before this
// migration carry '' until the store that opens the database names them (sites.ts backfillSite).
//
// pushed_scans maps scans uploaded by `camaudit push` to their origin (that database's id in camaudit_meta
// and its scan id), so pushing the same database twice adds nothing.
export const SITES_SQL = `
ALTER TABLE scans ADD COLUMN site TEXT NOT NULL DEFAULT '';
ALTER TABLE scans ADD COLUMN sensor TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN site TEXT NOT NULL DEFAULT '';
CREATE INDEX scans_site ON scans (site, id);
CREATE INDEX assets_site ON assets (site);
CREATE INDEX assets_last_device ON assets (last_device_id); -- linking a scan's devices to their assets

CREATE TABLE pushed_scans (
  source         TEXT NOT NULL, -- the pushing database's camaudit_meta database_id
  source_scan_id INTEGER NOT NULL,
  scan_id        INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  pushed_at      TEXT NOT NULL,
  PRIMARY KEY (source, source_scan_id)
) STRICT;
`;
