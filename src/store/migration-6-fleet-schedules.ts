// Migration 6: fleet schedules. A schedule added without --site runs once per site: every site's daemons run
// it for their own site, so the cron slot a run claims, the lock that keeps its runs apart and the runs
// themselves are kept per (schedule, site). A schedule pinned to one site has one such pair.
//
// schedule_slots holds each site's last slot. schedules.last_slot keeps the slot run before this migration:
// a site with no row yet starts after it (so an upgrade runs nothing extra), and after no slot at all for a
// new schedule (so a site that joins runs the latest due fire time once, whatever other sites ran). Runs from
// before this migration keep site ''. schedule_locks only holds the runs in progress: it is rebuilt empty with its new
// key (a daemon of the previous version still running loses its lock, and stops that run when it notices).
export const FLEET_SCHEDULES_SQL = `
DROP TABLE schedule_locks;
CREATE TABLE schedule_locks (
  schedule     TEXT NOT NULL REFERENCES schedules (name) ON DELETE CASCADE,
  site         TEXT NOT NULL,
  token        TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  pid_start    TEXT,
  host         TEXT NOT NULL,
  acquired_at  TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  PRIMARY KEY (schedule, site)
) STRICT;

CREATE TABLE schedule_slots (
  schedule  TEXT NOT NULL REFERENCES schedules (name) ON DELETE CASCADE,
  site      TEXT NOT NULL,
  last_slot TEXT NOT NULL,
  PRIMARY KEY (schedule, site)
) STRICT;

ALTER TABLE schedule_runs ADD COLUMN site TEXT NOT NULL DEFAULT '';
DROP INDEX schedule_runs_slot;
-- The last line of defence against running one slot twice at one site, whatever a daemon believes.
CREATE UNIQUE INDEX schedule_runs_site_slot ON schedule_runs (schedule, site, slot) WHERE slot IS NOT NULL;

ALTER TABLE daemons ADD COLUMN site TEXT NOT NULL DEFAULT '';
`;
