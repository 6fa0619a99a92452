// The daemon loop: each tick reads the schedules (so `schedule add/remove` take effect without a restart),
// starts every due one that is not already running here, delivers due alerts, and records a heartbeat.
// Runs of different schedules overlap; runs of one schedule never do (the lock in run.ts, across processes).
// Stopping (the signal) interrupts running scans, which are stored as interrupted, waits for them and for the
// delivery attempt in flight, and leaves undelivered alerts queued for the next start.
import { errorMessage } from '../core/errors.js';
import type { ScheduleStore } from '../store/schedule-store.js';
import { dueSlot, nextSlot } from './cron.js';
import { deliverDue, type DeliveryPolicy } from './deliver.js';
import { ownerIsDead } from './owner.js';
import { runSchedule, type RunContext } from './run.js';
import type { DaemonRecord, Schedule } from './types.js';

export interface DaemonOptions extends RunContext {
  readonly version: string;
  readonly delivery: DeliveryPolicy;
  /** Longest sleep between ticks; a tick also comes at the next fire time. */
  readonly tickMs: number;
  /** How often the daemon row is refreshed for `daemon --status`. */
  readonly heartbeatMs: number;
  /**
   * The site this daemon scans. It runs the schedules added without --site, once per slot for this site
   * whichever other daemons of this or other sites share the database, and those added with this site.
   */
  readonly site: string;
}

/** A daemon is presumed gone when its heartbeat is this many intervals old. */
export const STALE_HEARTBEATS = 3;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The schedules this daemon runs, each bound to the daemon's site and carrying that site's last slot. */
async function schedulesHere(o: DaemonOptions): Promise<Schedule[]> {
  return (await o.schedules.listSchedules(o.site))
    .filter((s) => s.settings.site === undefined || s.settings.site === o.site)
    .map((s) => ({ ...s, settings: { ...s.settings, site: o.site } }));
}

/** Closes the runs and frees the locks of owners that died (a SIGKILLed daemon) before anything is due. */
async function reapDeadOwners(o: DaemonOptions): Promise<void> {
  for (const s of await schedulesHere(o)) {
    const key = { schedule: s.name, site: o.site };
    const holder = await o.schedules.getLock(key);
    if (!holder || holder.token === o.owner.token || !(ownerIsDead(holder) || holder.expiresAt <= o.now().toISOString())) continue;
    const r = await o.schedules.acquireLock(key, o.owner, o.now(), o.lockTtlMs, ownerIsDead);
    if (!r.acquired) continue;
    await o.schedules.releaseLock(key, o.owner);
    o.log(`schedule ${s.name}: pid ${holder.pid} on ${holder.host} died while running it; its run is marked abandoned and its slot is not run again`);
  }
}

export async function runDaemon(o: DaemonOptions): Promise<void> {
  const running = new Map<string, Promise<void>>();
  let delivering: Promise<unknown> | null = null;
  const problems = new Set<string>(); // schedules whose error was logged already: one line, not one per tick
  const started = o.now().toISOString();
  let lastBeat = 0;
  const record = (stopped: boolean): DaemonRecord => ({
    token: o.owner.token,
    pid: o.owner.pid,
    host: o.owner.host,
    site: o.site,
    version: o.version,
    startedAt: started,
    heartbeatAt: o.now().toISOString(),
    stoppedAt: stopped ? o.now().toISOString() : null,
    running: [...running.keys()],
  });

  await o.schedules.recordDaemon(record(false));
  await reapDeadOwners(o);
  const all = await o.schedules.listSchedules();
  const here = await schedulesHere(o);
  const elsewhere = all.length - here.length;
  o.log(`daemon started: pid ${o.owner.pid} on ${o.owner.host} for site ${o.site}, ${here.length} schedule(s)${elsewhere ? ` (${elsewhere} more belong to other sites)` : ''}`);

  while (!o.signal.aborted) {
    const now = o.now();
    let wake = now.getTime() + o.tickMs;
    try {
      for (const s of await schedulesHere(o)) {
        if (running.has(s.name)) continue;
        try {
          const due = dueSlot(s, now);
          if (due) {
            const p = runSchedule(o, s, due)
              .then((r) => {
                if (r.kind === 'busy' && !problems.has(s.name)) o.log(`schedule ${s.name}: due, but pid ${r.holder.pid} on ${r.holder.host} is running it since ${r.holder.acquiredAt}; waiting`);
                problems[r.kind === 'busy' ? 'add' : 'delete'](s.name);
              })
              .catch((err: unknown) => o.log(`schedule ${s.name}: run failed: ${errorMessage(err)}`))
              .finally(() => running.delete(s.name));
            running.set(s.name, p);
            continue;
          }
          const next = nextSlot(s);
          if (next) wake = Math.min(wake, next.getTime());
          problems.delete(s.name);
        } catch (err) {
          if (!problems.has(s.name)) o.log(`schedule ${s.name}: cannot compute its next run: ${errorMessage(err)}`);
          problems.add(s.name);
        }
      }
      delivering ??= deliverDue({ store: o.schedules, policy: o.delivery, now: o.now, log: o.log, stopping: () => o.signal.aborted })
        .catch((err: unknown) => o.log(`alert delivery failed: ${errorMessage(err)}`))
        .finally(() => (delivering = null));
      if (now.getTime() - lastBeat >= o.heartbeatMs) {
        lastBeat = now.getTime();
        await o.schedules.recordDaemon(record(false));
      }
    } catch (err) {
      o.log(`daemon tick failed (retrying): ${errorMessage(err)}`); // e.g. the database was locked for too long
    }
    await sleep(Math.max(20, Math.min(wake - o.now().getTime(), o.tickMs)), o.signal);
  }

  if (running.size) o.log(`stopping: interrupting ${[...running.keys()].join(', ')}; what was found is stored`);
  await Promise.all([...running.values(), delivering]);
  await o.schedules.recordDaemon(record(true));
  o.log('daemon stopped');
}
