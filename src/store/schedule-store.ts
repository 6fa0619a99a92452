// The repository behind scheduled scans, separate from Store so a backend can offer scans without
// schedules. Every method is async for the same reason as Store's: a PostgreSQL backend will sit here.
//
// The two guarantees hold per site (a schedule without a site runs once at every site) and live in the store,
// inside its transactions, because several daemons may share one database:
// - a cron slot is run at most once per site: startRun() claims it (compare-and-set on the site's last slot) and
//   records the run in one transaction, and the schema refuses a second run row for one (schedule, site, slot);
// - one run of a schedule at a site at a time: a lock row names its owner (pid, start ticks, host) and expires
//   unless renewed; a lock whose owner is dead (isDead) or expired is taken over, and that owner's unfinished runs
//   are closed as `abandoned`.
import type { Alert, ChangeCounts, Channel, DaemonRecord, LockHolder, LockResult, NewSchedule, Owner, RunStatus, RunTrigger, Schedule, ScheduleRun } from '../schedule/types.js';

/** What a lock and a slot belong to: one schedule at one site (a schedule without a site runs at each). */
export interface RunKey {
  readonly schedule: string;
  readonly site: string;
}

export interface StartRun {
  readonly schedule: string;
  readonly site: string;
  readonly trigger: RunTrigger;
  /** For a cron run: the slot claimed and the last_slot it was computed from. */
  readonly slot?: { readonly at: string; readonly after: string | null };
  readonly owner: Owner;
  readonly at: string;
}

export interface FinishRun {
  readonly status: Exclude<RunStatus, 'running' | 'abandoned'>;
  readonly scanId: number | null;
  readonly changes: ChangeCounts | null;
  readonly error: string | null;
  readonly at: string;
}

export interface NewAlert {
  readonly deliveryId: string;
  readonly schedule: string;
  readonly runId: number | null;
  readonly channel: Channel;
  readonly payload: string;
  readonly at: string;
}

export interface AlertUpdate {
  readonly status: Alert['status'];
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
}

export interface ScheduleStore {
  /** False when a schedule of that name exists already (nothing is changed). */
  addSchedule(schedule: NewSchedule): Promise<boolean>;
  /** With `site`, lastSlot is that site's: the slot its next run is computed from. */
  getSchedule(name: string, site?: string): Promise<Schedule | null>;
  /** By name; with `site`, each lastSlot is that site's. */
  listSchedules(site?: string): Promise<Schedule[]>;
  /** Deletes the schedule with its runs and lock; false when there was none. */
  removeSchedule(name: string): Promise<boolean>;

  /** Takes the lock of the schedule at `site` for `owner` unless another live, unexpired owner holds it. */
  acquireLock(key: RunKey, owner: Owner, now: Date, ttlMs: number, isDead: (holder: Owner) => boolean): Promise<LockResult>;
  /** Extends the lock; false when `owner` no longer holds it (it expired and was taken over). */
  renewLock(key: RunKey, owner: Owner, now: Date, ttlMs: number): Promise<boolean>;
  releaseLock(key: RunKey, owner: Owner): Promise<void>;
  /** Whoever holds the lock, expired or not; null when nobody does. */
  getLock(key: RunKey): Promise<LockHolder | null>;
  /** The holders of the schedule's locks at every site, expired or not. */
  locksOf(name: string): Promise<(LockHolder & { readonly site: string })[]>;

  /** The run id, or null when the slot was claimed at that site by someone else first (its last slot moved on). */
  startRun(run: StartRun): Promise<number | null>;
  finishRun(id: number, result: FinishRun): Promise<void>;
  /** Newest first. */
  listRuns(opts?: { readonly schedule?: string; readonly limit?: number }): Promise<ScheduleRun[]>;

  enqueueAlerts(alerts: readonly NewAlert[]): Promise<void>;
  /** Pending alerts whose next attempt is due, oldest first. */
  dueAlerts(now: Date, limit: number): Promise<Alert[]>;
  updateAlert(id: number, update: AlertUpdate): Promise<void>;
  /** Counts by status, for health reporting. */
  alertCounts(): Promise<Record<Alert['status'], number>>;
  /** The most recent failed alerts, newest first. */
  failedAlerts(limit: number): Promise<Alert[]>;

  /** Inserts or updates the daemon's row (keyed by token). */
  recordDaemon(record: DaemonRecord): Promise<void>;
  /** Newest heartbeat first. */
  listDaemons(): Promise<DaemonRecord[]>;

  close(): Promise<void>;
}
