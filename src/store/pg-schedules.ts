// The ScheduleStore on PostgreSQL: the SQLite repository's statements and steps (sqlite-schedules.ts) run
// through pg-db.ts. Writes hold one advisory lock for all schedules, as BEGIN IMMEDIATE holds SQLite's write
// lock: two daemons never both read a free lock or an unclaimed slot, wherever they run.
import type Database from 'better-sqlite3';
import type { Alert, DaemonRecord, LockHolder, LockResult, NewSchedule, Owner, Schedule, ScheduleRun } from '../schedule/types.js';
import { PgDb } from './pg-db.js';
import { openPostgresDatabase } from './postgres.js';
import type { AlertUpdate, FinishRun, NewAlert, RunKey, ScheduleStore, StartRun } from './schedule-store.js';
import { ScheduleSteps, prepareStatements } from './sqlite-schedules.js';
import type { Step } from './steps.js';

const LOCK_SCHEDULES = "hashtext('camaudit:schedules'), 0";

export async function openPostgresScheduleStore(url: string): Promise<ScheduleStore> {
  return new PostgresScheduleStore(await openPostgresDatabase(url));
}

class PostgresScheduleStore implements ScheduleStore {
  readonly #db: PgDb;
  readonly #steps: ScheduleSteps;

  constructor(db: PgDb) {
    this.#db = db;
    this.#steps = new ScheduleSteps(prepareStatements(db as unknown as Database.Database));
  }

  #read<T>(step: Step<T>): Promise<T> {
    return this.#db.read(step);
  }

  #write<T>(make: () => Step<T>): Promise<T> {
    return this.#db.write(make, { key: LOCK_SCHEDULES });
  }

  addSchedule(s: NewSchedule): Promise<boolean> {
    return this.#write(() => this.#steps.addSchedule(s));
  }

  getSchedule(name: string, site?: string): Promise<Schedule | null> {
    return this.#read(this.#steps.getSchedule(name, site));
  }

  listSchedules(site?: string): Promise<Schedule[]> {
    return this.#read(this.#steps.listSchedules(site));
  }

  removeSchedule(name: string): Promise<boolean> {
    return this.#write(() => this.#steps.removeSchedule(name));
  }

  acquireLock(key: RunKey, owner: Owner, now: Date, ttlMs: number, isDead: (holder: Owner) => boolean): Promise<LockResult> {
    return this.#write(() => this.#steps.acquireLock(key, owner, now, ttlMs, isDead));
  }

  renewLock(key: RunKey, owner: Owner, now: Date, ttlMs: number): Promise<boolean> {
    return this.#write(() => this.#steps.renewLock(key, owner, now, ttlMs));
  }

  releaseLock(key: RunKey, owner: Owner): Promise<void> {
    return this.#write(() => this.#steps.releaseLock(key, owner));
  }

  getLock(key: RunKey): Promise<LockHolder | null> {
    return this.#read(this.#steps.getLock(key));
  }

  locksOf(name: string): Promise<(LockHolder & { readonly site: string })[]> {
    return this.#read(this.#steps.locksOf(name));
  }

  startRun(run: StartRun): Promise<number | null> {
    return this.#write(() => this.#steps.startRun(run));
  }

  finishRun(id: number, r: FinishRun): Promise<void> {
    return this.#write(() => this.#steps.finishRun(id, r));
  }

  listRuns(opts: { readonly schedule?: string; readonly limit?: number } = {}): Promise<ScheduleRun[]> {
    return this.#read(this.#steps.listRuns(opts));
  }

  enqueueAlerts(alerts: readonly NewAlert[]): Promise<void> {
    return this.#write(() => this.#steps.enqueueAlerts(alerts));
  }

  dueAlerts(now: Date, limit: number): Promise<Alert[]> {
    return this.#read(this.#steps.dueAlerts(now, limit));
  }

  updateAlert(id: number, u: AlertUpdate): Promise<void> {
    return this.#write(() => this.#steps.updateAlert(id, u));
  }

  alertCounts(): Promise<Record<Alert['status'], number>> {
    return this.#read(this.#steps.alertCounts());
  }

  failedAlerts(limit: number): Promise<Alert[]> {
    return this.#read(this.#steps.failedAlerts(limit));
  }

  recordDaemon(d: DaemonRecord): Promise<void> {
    return this.#write(() => this.#steps.recordDaemon(d));
  }

  listDaemons(): Promise<DaemonRecord[]> {
    return this.#read(this.#steps.listDaemons());
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}
