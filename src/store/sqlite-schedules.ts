// The better-sqlite3 ScheduleStore, on its own connection to the same file as the scan store (WAL lets
// both work at once). Lock and slot claims run in IMMEDIATE transactions: the write lock is taken before
// the read, so two daemons cannot both read "free" and both take it.
import Database from 'better-sqlite3';
import type { Alert, ChangeCounts, Channel, DaemonRecord, LockHolder, LockResult, NewSchedule, Owner, RunStatus, RunTrigger, Schedule, ScheduleRun } from '../schedule/types.js';
import type { ScanSettings } from '../cli/scan-job.js';
import type { AlertUpdate, FinishRun, NewAlert, RunKey, ScheduleStore, StartRun } from './schedule-store.js';
import { lockError, openSqliteDatabase } from './sqlite.js';
import { q, runSync, type Step } from './steps.js';

interface ScheduleRow {
  name: string;
  cron: string;
  timezone: string;
  targets: string;
  settings: string;
  channels: string;
  created_at: string;
  last_slot: string | null;
}

interface LockRow {
  token: string;
  pid: number;
  pid_start: string | null;
  host: string;
  acquired_at: string;
  heartbeat_at: string;
  expires_at: string;
}

interface RunRow {
  id: number;
  schedule: string;
  site: string;
  slot: string | null;
  trigger: RunTrigger;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  scan_id: number | null;
  pid: number;
  host: string;
  changes: string | null;
  error: string | null;
}

interface AlertRow {
  id: number;
  delivery_id: string;
  schedule: string;
  run_id: number | null;
  channel: string;
  payload: string;
  created_at: string;
  status: Alert['status'];
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  delivered_at: string | null;
}

interface DaemonRow {
  token: string;
  pid: number;
  host: string;
  site: string;
  version: string;
  started_at: string;
  heartbeat_at: string;
  stopped_at: string | null;
  running: string;
}

const toSchedule = (r: ScheduleRow): Schedule => ({
  name: r.name,
  cron: r.cron,
  timezone: r.timezone,
  targets: JSON.parse(r.targets) as string[],
  settings: JSON.parse(r.settings) as ScanSettings,
  channels: JSON.parse(r.channels) as Channel[],
  createdAt: r.created_at,
  lastSlot: r.last_slot,
});

const toHolder = (r: LockRow): LockHolder => ({
  token: r.token,
  pid: r.pid,
  start: r.pid_start,
  host: r.host,
  acquiredAt: r.acquired_at,
  heartbeatAt: r.heartbeat_at,
  expiresAt: r.expires_at,
});

const toRun = (r: RunRow): ScheduleRun => ({
  id: r.id,
  schedule: r.schedule,
  site: r.site,
  slot: r.slot,
  trigger: r.trigger,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  status: r.status,
  scanId: r.scan_id,
  pid: r.pid,
  host: r.host,
  changes: r.changes === null ? null : (JSON.parse(r.changes) as ChangeCounts),
  error: r.error,
});

const toAlert = (r: AlertRow): Alert => ({
  id: r.id,
  deliveryId: r.delivery_id,
  schedule: r.schedule,
  runId: r.run_id,
  channel: JSON.parse(r.channel) as Channel,
  payload: r.payload,
  createdAt: r.created_at,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
});

const toDaemon = (r: DaemonRow): DaemonRecord => ({
  token: r.token,
  pid: r.pid,
  host: r.host,
  site: r.site,
  version: r.version,
  startedAt: r.started_at,
  heartbeatAt: r.heartbeat_at,
  stoppedAt: r.stopped_at,
  running: JSON.parse(r.running) as string[],
});

/** Also run on PostgreSQL through pg-db.ts, so the statements use only SQL both read. */
export function prepareStatements(db: Database.Database) {
  return {
    insertSchedule: db.prepare(`
      INSERT INTO schedules (name, cron, timezone, targets, settings, channels, created_at)
      VALUES (@name, @cron, @timezone, @targets, @settings, @channels, @created_at)
      ON CONFLICT (name) DO NOTHING`),
    // The latest slot any site ran; schedules.last_slot is the one run before schedules were per site
    // (migration 6), older than every per-site slot.
    schedules: db.prepare<{ name: string | null }, ScheduleRow>(`
      SELECT s.name, s.cron, s.timezone, s.targets, s.settings, s.channels, s.created_at,
        COALESCE((SELECT max(ss.last_slot) FROM schedule_slots ss WHERE ss.schedule = s.name), s.last_slot) AS last_slot
      FROM schedules s WHERE CAST(@name AS TEXT) IS NULL OR s.name = @name ORDER BY s.name`),
    // One site's last slot. A site that never ran the schedule has none, so it runs the latest fire time that
    // is due: another site's run of a slot says nothing about this site.
    siteSchedules: db.prepare<{ site: string; name: string | null }, ScheduleRow>(`
      SELECT s.name, s.cron, s.timezone, s.targets, s.settings, s.channels, s.created_at, COALESCE(ss.last_slot, s.last_slot) AS last_slot
      FROM schedules s LEFT JOIN schedule_slots ss ON ss.schedule = s.name AND ss.site = @site
      WHERE CAST(@name AS TEXT) IS NULL OR s.name = @name ORDER BY s.name`),
    deleteSchedule: db.prepare<[string]>('DELETE FROM schedules WHERE name = ?'),
    lock: db.prepare<{ schedule: string; site: string }, LockRow>('SELECT * FROM schedule_locks WHERE schedule = @schedule AND site = @site'),
    locks: db.prepare<[string], LockRow & { site: string }>('SELECT * FROM schedule_locks WHERE schedule = ? ORDER BY site'),
    putLock: db.prepare(`
      INSERT INTO schedule_locks (schedule, site, token, pid, pid_start, host, acquired_at, heartbeat_at, expires_at)
      VALUES (@schedule, @site, @token, @pid, @pid_start, @host, @now, @now, @expires_at)
      ON CONFLICT (schedule, site) DO UPDATE SET token = excluded.token, pid = excluded.pid, pid_start = excluded.pid_start, host = excluded.host,
        acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at`),
    renewLock: db.prepare(`
      UPDATE schedule_locks SET heartbeat_at = @now, expires_at = @expires_at WHERE schedule = @schedule AND site = @site AND token = @token`),
    deleteLock: db.prepare(`DELETE FROM schedule_locks WHERE schedule = @schedule AND site = @site AND token = @token`),
    abandonRuns: db.prepare(`
      UPDATE schedule_runs SET status = 'abandoned', finished_at = @now, error = @error
      WHERE schedule = @schedule AND site = @site AND status = 'running' AND pid = @pid AND host = @host`),
    putSlot: db.prepare(`
      INSERT INTO schedule_slots (schedule, site, last_slot) VALUES (@name, @site, @slot)
      ON CONFLICT (schedule, site) DO UPDATE SET last_slot = excluded.last_slot`),
    insertRun: db.prepare(`
      INSERT INTO schedule_runs (schedule, site, slot, trigger, started_at, status, pid, host)
      VALUES (@schedule, @site, @slot, @trigger, @at, 'running', @pid, @host)`),
    finishRun: db.prepare(`
      UPDATE schedule_runs SET status = @status, scan_id = @scan_id, changes = @changes, error = @error, finished_at = @at
      WHERE id = @id AND status = 'running'`),
    runs: db.prepare<{ schedule: string | null; limit: number }, RunRow>(`
      SELECT * FROM schedule_runs WHERE CAST(@schedule AS TEXT) IS NULL OR schedule = @schedule ORDER BY id DESC LIMIT @limit`),
    insertAlert: db.prepare(`
      INSERT INTO alerts (delivery_id, schedule, run_id, channel, payload, created_at, status, attempts, next_attempt_at)
      VALUES (@delivery_id, @schedule, @run_id, @channel, @payload, @at, 'pending', 0, @at)`),
    dueAlerts: db.prepare<{ now: string; limit: number }, AlertRow>(`
      SELECT * FROM alerts WHERE status = 'pending' AND next_attempt_at <= @now ORDER BY next_attempt_at, id LIMIT @limit`),
    updateAlert: db.prepare(`
      UPDATE alerts SET status = @status, attempts = @attempts, next_attempt_at = @next_attempt_at, last_error = @last_error,
        delivered_at = @delivered_at WHERE id = @id`),
    alertCounts: db.prepare<[], { status: Alert['status']; n: number }>('SELECT status, count(*) AS n FROM alerts GROUP BY status'),
    failedAlerts: db.prepare<[number], AlertRow>(`SELECT * FROM alerts WHERE status = 'failed' ORDER BY id DESC LIMIT ?`),
    putDaemon: db.prepare(`
      INSERT INTO daemons (token, pid, host, site, version, started_at, heartbeat_at, stopped_at, running)
      VALUES (@token, @pid, @host, @site, @version, @started_at, @heartbeat_at, @stopped_at, @running)
      ON CONFLICT (token) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, stopped_at = excluded.stopped_at,
        running = excluded.running`),
    daemons: db.prepare<[], DaemonRow>('SELECT * FROM daemons ORDER BY heartbeat_at DESC'),
    // Stopped or silent for a week: nobody asks about them any more.
    pruneDaemons: db.prepare<[string]>('DELETE FROM daemons WHERE heartbeat_at < ?'),
  };
}

export type ScheduleStatements = ReturnType<typeof prepareStatements>;

/** Opens the schedule repository of a camaudit database (migrating it like openSqliteStore does). */
export async function openSqliteScheduleStore(path: string, busyTimeoutMs = 5000): Promise<ScheduleStore> {
  return new SqliteScheduleStore(openSqliteDatabase(path, busyTimeoutMs), path);
}

const WEEK_MS = 7 * 24 * 3600_000;

/**
 * The repository's logic as steps (steps.ts) over prepareStatements(): SqliteScheduleStore runs them on
 * better-sqlite3, pg-schedules.ts on PostgreSQL. A step marked Write runs inside the driver's write
 * transaction, which keeps daemons apart (BEGIN IMMEDIATE here, a global advisory lock there).
 */
export class ScheduleSteps {
  readonly #sql: ScheduleStatements;

  constructor(sql: ScheduleStatements) {
    this.#sql = sql;
  }

  /** Write. */
  *addSchedule(s: NewSchedule): Step<boolean> {
    const params = {
      name: s.name,
      cron: s.cron,
      timezone: s.timezone,
      targets: JSON.stringify(s.targets),
      settings: JSON.stringify(s.settings),
      channels: JSON.stringify(s.channels),
      created_at: s.createdAt,
    };
    return (yield* q(this.#sql.insertSchedule.run(params))).changes === 1;
  }

  *getSchedule(name: string, site?: string): Step<Schedule | null> {
    const [row] = site === undefined ? yield* q(this.#sql.schedules.all({ name })) : yield* q(this.#sql.siteSchedules.all({ site, name }));
    return row ? toSchedule(row) : null;
  }

  *listSchedules(site?: string): Step<Schedule[]> {
    const rows = site === undefined ? yield* q(this.#sql.schedules.all({ name: null })) : yield* q(this.#sql.siteSchedules.all({ site, name: null }));
    return rows.map(toSchedule);
  }

  /** Write. */
  *removeSchedule(name: string): Step<boolean> {
    return (yield* q(this.#sql.deleteSchedule.run(name))).changes === 1;
  }

  /** Write. */
  *acquireLock(key: RunKey, owner: Owner, now: Date, ttlMs: number, isDead: (holder: Owner) => boolean): Step<LockResult> {
    const at = now.toISOString();
    const row = yield* q(this.#sql.lock.get(key));
    const holder = row ? toHolder(row) : null;
    if (holder && holder.token !== owner.token && holder.expiresAt > at && !isDead(holder)) return { acquired: false, holder };
    const stolenFrom = holder && holder.token !== owner.token ? holder : null;
    if (stolenFrom) {
      const why = isDead(stolenFrom) ? 'exited' : 'stopped renewing its lock';
      yield* q(this.#sql.abandonRuns.run({ ...key, pid: stolenFrom.pid, host: stolenFrom.host, now: at, error: `pid ${stolenFrom.pid} on ${stolenFrom.host} ${why} during the run` }));
    }
    yield* q(this.#sql.putLock.run({ ...key, token: owner.token, pid: owner.pid, pid_start: owner.start, host: owner.host, now: at, expires_at: new Date(now.getTime() + ttlMs).toISOString() }));
    return { acquired: true, stolenFrom };
  }

  /** Write. */
  *renewLock(key: RunKey, owner: Owner, now: Date, ttlMs: number): Step<boolean> {
    const params = { ...key, token: owner.token, now: now.toISOString(), expires_at: new Date(now.getTime() + ttlMs).toISOString() };
    return (yield* q(this.#sql.renewLock.run(params))).changes === 1;
  }

  /** Write. */
  *releaseLock(key: RunKey, owner: Owner): Step<void> {
    yield* q(this.#sql.deleteLock.run({ ...key, token: owner.token }));
  }

  *getLock(key: RunKey): Step<LockHolder | null> {
    const row = yield* q(this.#sql.lock.get(key));
    return row ? toHolder(row) : null;
  }

  *locksOf(name: string): Step<(LockHolder & { readonly site: string })[]> {
    return (yield* q(this.#sql.locks.all(name))).map((r) => ({ ...toHolder(r), site: r.site }));
  }

  /** Write. */
  /** Write: the compare-and-set is safe because writes are serialized (see the class comment). */
  *startRun(run: StartRun): Step<number | null> {
    if (run.slot) {
      const [current] = yield* q(this.#sql.siteSchedules.all({ site: run.site, name: run.schedule }));
      if (!current || current.last_slot !== run.slot.after) return null;
      const params = { name: run.schedule, site: run.site, slot: run.slot.at };
      yield* q(this.#sql.putSlot.run(params));
    }
    const params = { schedule: run.schedule, site: run.site, slot: run.slot?.at ?? null, trigger: run.trigger, at: run.at, pid: run.owner.pid, host: run.owner.host };
    return Number((yield* q(this.#sql.insertRun.run(params))).lastInsertRowid);
  }

  /** Write. */
  *finishRun(id: number, r: FinishRun): Step<void> {
    const params = { id, status: r.status, scan_id: r.scanId, changes: r.changes && JSON.stringify(r.changes), error: r.error, at: r.at };
    yield* q(this.#sql.finishRun.run(params));
  }

  *listRuns(opts: { readonly schedule?: string; readonly limit?: number } = {}): Step<ScheduleRun[]> {
    return (yield* q(this.#sql.runs.all({ schedule: opts.schedule ?? null, limit: opts.limit ?? 100 }))).map(toRun);
  }

  /** Write. */
  *enqueueAlerts(alerts: readonly NewAlert[]): Step<void> {
    for (const a of alerts) {
      yield* q(this.#sql.insertAlert.run({ delivery_id: a.deliveryId, schedule: a.schedule, run_id: a.runId, channel: JSON.stringify(a.channel), payload: a.payload, at: a.at }));
    }
  }

  *dueAlerts(now: Date, limit: number): Step<Alert[]> {
    return (yield* q(this.#sql.dueAlerts.all({ now: now.toISOString(), limit }))).map(toAlert);
  }

  /** Write. */
  *updateAlert(id: number, u: AlertUpdate): Step<void> {
    const params = { id, status: u.status, attempts: u.attempts, next_attempt_at: u.nextAttemptAt, last_error: u.lastError, delivered_at: u.deliveredAt };
    yield* q(this.#sql.updateAlert.run(params));
  }

  *alertCounts(): Step<Record<Alert['status'], number>> {
    const counts = { pending: 0, delivered: 0, failed: 0 };
    for (const r of yield* q(this.#sql.alertCounts.all())) counts[r.status] = r.n;
    return counts;
  }

  *failedAlerts(limit: number): Step<Alert[]> {
    return (yield* q(this.#sql.failedAlerts.all(limit))).map(toAlert);
  }

  /** Write. */
  *recordDaemon(d: DaemonRecord): Step<void> {
    const params = {
      token: d.token,
      pid: d.pid,
      host: d.host,
      site: d.site,
      version: d.version,
      started_at: d.startedAt,
      heartbeat_at: d.heartbeatAt,
      stopped_at: d.stoppedAt,
      running: JSON.stringify(d.running),
    };
    const cutoff = new Date(Date.parse(d.heartbeatAt) - WEEK_MS).toISOString();
    yield* q(this.#sql.putDaemon.run(params));
    yield* q(this.#sql.pruneDaemons.run(cutoff));
  }

  *listDaemons(): Step<DaemonRecord[]> {
    return (yield* q(this.#sql.daemons.all())).map(toDaemon);
  }
}

class SqliteScheduleStore implements ScheduleStore {
  readonly #db: Database.Database;
  readonly #path: string;
  readonly #steps: ScheduleSteps;

  constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.#path = path;
    this.#steps = new ScheduleSteps(prepareStatements(db));
  }

  /** Every write goes through here: BEGIN IMMEDIATE, and a busy database becomes a StoreError naming the file. */
  #write<T>(step: Step<T>): T {
    try {
      return this.#db.transaction(() => runSync(step)).immediate();
    } catch (err) {
      throw lockError(err, this.#path) ?? err;
    }
  }

  async addSchedule(s: NewSchedule): Promise<boolean> {
    return this.#write(this.#steps.addSchedule(s));
  }

  async getSchedule(name: string, site?: string): Promise<Schedule | null> {
    return runSync(this.#steps.getSchedule(name, site));
  }

  async listSchedules(site?: string): Promise<Schedule[]> {
    return runSync(this.#steps.listSchedules(site));
  }

  async removeSchedule(name: string): Promise<boolean> {
    return this.#write(this.#steps.removeSchedule(name));
  }

  async acquireLock(key: RunKey, owner: Owner, now: Date, ttlMs: number, isDead: (holder: Owner) => boolean): Promise<LockResult> {
    return this.#write(this.#steps.acquireLock(key, owner, now, ttlMs, isDead));
  }

  async renewLock(key: RunKey, owner: Owner, now: Date, ttlMs: number): Promise<boolean> {
    return this.#write(this.#steps.renewLock(key, owner, now, ttlMs));
  }

  async releaseLock(key: RunKey, owner: Owner): Promise<void> {
    this.#write(this.#steps.releaseLock(key, owner));
  }

  async getLock(key: RunKey): Promise<LockHolder | null> {
    return runSync(this.#steps.getLock(key));
  }

  async locksOf(name: string): Promise<(LockHolder & { readonly site: string })[]> {
    return runSync(this.#steps.locksOf(name));
  }

  async startRun(run: StartRun): Promise<number | null> {
    return this.#write(this.#steps.startRun(run));
  }

  async finishRun(id: number, r: FinishRun): Promise<void> {
    this.#write(this.#steps.finishRun(id, r));
  }

  async listRuns(opts: { readonly schedule?: string; readonly limit?: number } = {}): Promise<ScheduleRun[]> {
    return runSync(this.#steps.listRuns(opts));
  }

  async enqueueAlerts(alerts: readonly NewAlert[]): Promise<void> {
    this.#write(this.#steps.enqueueAlerts(alerts));
  }

  async dueAlerts(now: Date, limit: number): Promise<Alert[]> {
    return runSync(this.#steps.dueAlerts(now, limit));
  }

  async updateAlert(id: number, u: AlertUpdate): Promise<void> {
    this.#write(this.#steps.updateAlert(id, u));
  }

  async alertCounts(): Promise<Record<Alert['status'], number>> {
    return runSync(this.#steps.alertCounts());
  }

  async failedAlerts(limit: number): Promise<Alert[]> {
    return runSync(this.#steps.failedAlerts(limit));
  }

  async recordDaemon(d: DaemonRecord): Promise<void> {
    this.#write(this.#steps.recordDaemon(d));
  }

  async listDaemons(): Promise<DaemonRecord[]> {
    return runSync(this.#steps.listDaemons());
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
