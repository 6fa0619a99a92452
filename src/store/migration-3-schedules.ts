// Migration 3: scheduled scans (src/schedule, README "Scheduled scans"). A schedule is a cron expression and
// the settings of `camaudit scan`; its runs, its lock and the alert outbox make the daemon crash-safe.
export const SCHEDULES_SQL = `
CREATE TABLE schedules (
  name       TEXT PRIMARY KEY,
  cron       TEXT NOT NULL,
  timezone   TEXT NOT NULL,
  targets    TEXT NOT NULL CHECK (json_valid(targets)),  -- string[]; [] = this host's subnets at run time
  settings   TEXT NOT NULL CHECK (json_valid(settings)), -- ScanSettings (paths to secrets, never secrets)
  channels   TEXT NOT NULL CHECK (json_valid(channels)), -- Channel[]
  created_at TEXT NOT NULL,
  last_slot  TEXT -- the latest cron time a run was started for; the next run is the first cron time after it
) STRICT;

CREATE TABLE schedule_runs (
  id          INTEGER PRIMARY KEY,
  schedule    TEXT NOT NULL REFERENCES schedules (name) ON DELETE CASCADE,
  slot        TEXT, -- null for \`schedule run\`
  trigger     TEXT NOT NULL CHECK (trigger IN ('cron', 'manual')),
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted', 'failed', 'abandoned')),
  scan_id     INTEGER REFERENCES scans (id) ON DELETE SET NULL,
  pid         INTEGER NOT NULL,
  host        TEXT NOT NULL,
  changes     TEXT CHECK (json_valid(changes)), -- ChangeCounts
  error       TEXT
) STRICT;
-- The last line of defence against running one slot twice, whatever a daemon believes.
CREATE UNIQUE INDEX schedule_runs_slot ON schedule_runs (schedule, slot) WHERE slot IS NOT NULL;
CREATE INDEX schedule_runs_status ON schedule_runs (schedule, status);

-- At most one row per schedule: whoever runs it now. Expires unless renewed; taken over when its owner is dead.
CREATE TABLE schedule_locks (
  schedule     TEXT PRIMARY KEY REFERENCES schedules (name) ON DELETE CASCADE,
  token        TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  pid_start    TEXT, -- /proc/<pid>/stat start ticks: tells a reused pid from the owner
  host         TEXT NOT NULL,
  acquired_at  TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  expires_at   TEXT NOT NULL
) STRICT;

-- The outbox: one row per change alert per channel, retried until delivered or given up.
-- No foreign key to schedules: an alert outlives a schedule removed meanwhile.
CREATE TABLE alerts (
  id              INTEGER PRIMARY KEY,
  delivery_id     TEXT NOT NULL UNIQUE,
  schedule        TEXT NOT NULL,
  run_id          INTEGER,
  channel         TEXT NOT NULL CHECK (json_valid(channel)),
  payload         TEXT NOT NULL CHECK (json_valid(payload)),
  created_at      TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  delivered_at    TEXT
) STRICT;
CREATE INDEX alerts_pending ON alerts (next_attempt_at) WHERE status = 'pending';

-- Daemon health for \`camaudit daemon --status\`.
CREATE TABLE daemons (
  token        TEXT PRIMARY KEY,
  pid          INTEGER NOT NULL,
  host         TEXT NOT NULL,
  version      TEXT NOT NULL,
  started_at   TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  stopped_at   TEXT,
  running      TEXT NOT NULL CHECK (json_valid(running)) -- names of the schedules running now
) STRICT;
`;
