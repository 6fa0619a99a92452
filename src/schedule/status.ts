// Health as `camaudit daemon --status` reports it, read from the database alone: which daemons are alive,
// what each schedule did last and does next, and whether alerts are getting through.
import type { ScheduleStore } from '../store/schedule-store.js';
import { nextSlot } from './cron.js';
import { STALE_HEARTBEATS } from './daemon.js';
import { ownerIsDead } from './owner.js';
import type { Alert, DaemonRecord, ScheduleRun } from './types.js';

export type DaemonState = 'running' | 'stopped' | 'gone';

export interface ScheduleHealth {
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  readonly nextRun: string | null;
  readonly lastRun: ScheduleRun | null;
}

export interface Health {
  /** True when a daemon is running: it is alive and its heartbeat is recent. */
  readonly healthy: boolean;
  readonly daemons: readonly (DaemonRecord & { readonly state: DaemonState })[];
  readonly schedules: readonly ScheduleHealth[];
  readonly alerts: Record<Alert['status'], number>;
  readonly failedAlerts: readonly Alert[];
}

export function daemonState(d: DaemonRecord, now: Date, heartbeatMs: number): DaemonState {
  if (d.stoppedAt !== null) return 'stopped';
  const silentMs = now.getTime() - Date.parse(d.heartbeatAt);
  return silentMs > STALE_HEARTBEATS * heartbeatMs || ownerIsDead({ token: d.token, pid: d.pid, start: null, host: d.host }) ? 'gone' : 'running';
}

export async function readHealth(schedules: ScheduleStore, now: Date, heartbeatMs: number): Promise<Health> {
  const daemons = (await schedules.listDaemons()).map((d) => ({ ...d, state: daemonState(d, now, heartbeatMs) }));
  const list = await schedules.listSchedules();
  const health: ScheduleHealth[] = [];
  for (const s of list) {
    const [lastRun] = await schedules.listRuns({ schedule: s.name, limit: 1 });
    health.push({ name: s.name, cron: s.cron, timezone: s.timezone, nextRun: nextSlot(s)?.toISOString() ?? null, lastRun: lastRun ?? null });
  }
  return {
    healthy: daemons.some((d) => d.state === 'running'),
    daemons,
    schedules: health,
    alerts: await schedules.alertCounts(),
    failedAlerts: await schedules.failedAlerts(5),
  };
}
