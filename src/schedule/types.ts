// Scheduled scans: what a schedule is, what one run of it records, how an alert waits for delivery,
// and who holds a schedule while it runs.
import type { ScanSettings } from '../cli/scan-job.js';

/** Where change alerts go. A webhook secret is kept in a file and only its path is stored. */
export type Channel =
  | { readonly kind: 'webhook'; readonly url: string; readonly secretFile: string | null; readonly format: 'json' | 'slack' }
  | { readonly kind: 'command'; readonly command: string };

export interface Schedule {
  readonly name: string;
  /** A croner expression: 5 fields, or 6 with seconds first. */
  readonly cron: string;
  /** IANA zone the expression is read in, e.g. Europe/Berlin. */
  readonly timezone: string;
  /** As given to `schedule add`; empty means this host's subnets at run time, as for `camaudit scan`. */
  readonly targets: readonly string[];
  readonly settings: ScanSettings;
  readonly channels: readonly Channel[];
  readonly createdAt: string;
  /**
   * The latest cron time a run was started for at the site it was read for (listSchedules(site)), or at any
   * site; null before the first run.
   */
  readonly lastSlot: string | null;
}

export type NewSchedule = Omit<Schedule, 'lastSlot'>;

export type RunTrigger = 'cron' | 'manual';
/** `abandoned`: its process died mid-run; a later process found the lock of a dead owner and closed the run. */
export type RunStatus = 'running' | 'complete' | 'interrupted' | 'failed' | 'abandoned';

export interface ChangeCounts {
  readonly newFindings: number;
  readonly reopenedFindings: number;
  readonly disappeared: number;
}

export interface ScheduleRun {
  readonly id: number;
  readonly schedule: string;
  /** The site it scanned ('' for runs recorded before fleet schedules). */
  readonly site: string;
  readonly slot: string | null;
  readonly trigger: RunTrigger;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: RunStatus;
  readonly scanId: number | null;
  readonly pid: number;
  readonly host: string;
  readonly changes: ChangeCounts | null;
  readonly error: string | null;
}

/** A process that may hold schedule locks. `start` tells a reused pid from the original (Linux start ticks). */
export interface Owner {
  readonly token: string;
  readonly pid: number;
  readonly start: string | null;
  readonly host: string;
}

export interface LockHolder extends Owner {
  readonly acquiredAt: string;
  readonly heartbeatAt: string;
  readonly expiresAt: string;
}

export type LockResult =
  | { readonly acquired: true; readonly stolenFrom: LockHolder | null }
  | { readonly acquired: false; readonly holder: LockHolder };

export type AlertStatus = 'pending' | 'delivered' | 'failed';

/** One change notification for one channel: the outbox row the daemon delivers and retries. */
export interface Alert {
  readonly id: number;
  /** Sent as X-Camaudit-Delivery and identical on every retry, so a receiver can drop duplicates. */
  readonly deliveryId: string;
  readonly schedule: string;
  readonly runId: number | null;
  readonly channel: Channel;
  /** The canonical JSON payload (src/schedule/payload.ts); a Slack channel renders it at send time. */
  readonly payload: string;
  readonly createdAt: string;
  readonly status: AlertStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
}

export interface DaemonRecord {
  readonly token: string;
  readonly pid: number;
  readonly host: string;
  /** The site whose schedules it runs. */
  readonly site: string;
  readonly version: string;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  readonly stoppedAt: string | null;
  /** Names of the schedules it is running right now. */
  readonly running: readonly string[];
}
