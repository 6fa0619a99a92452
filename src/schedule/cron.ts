// When a schedule runs: pure functions of the expression, its time zone, what ran last and the time now
// (tests pass a fake clock). croner does the calendar work, DST included: in a spring-forward gap a
// fixed-time job (`30 2 * * *`) runs at the first valid time after the gap, and once only when a fall-back
// hour repeats; interval jobs (`*/30 * * * *`) keep their real-time spacing.
import { Cron } from 'croner';
import type { Schedule } from './types.js';

/** Five fields, or six with seconds first; nicknames such as @daily. Years (a seventh field) are refused. */
function cron(expr: string, timezone: string): Cron {
  return new Cron(expr, { mode: '5-or-6-parts', timezone });
}

/** Why the expression or time zone is unusable, or null when both are fine. */
export function cronProblem(expr: string, timezone: string): string | null {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    return `unknown time zone ${JSON.stringify(timezone)}: expected an IANA name such as Europe/Berlin or UTC`;
  }
  try {
    if (cron(expr, timezone).nextRun(new Date()) === null) return `cron expression ${JSON.stringify(expr)} never fires`;
  } catch (err) {
    return `invalid cron expression ${JSON.stringify(expr)}: ${(err as Error).message.replace(/^CronPattern: /, '')}`;
  }
  return null;
}

export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The first fire time strictly after `after`, or null when there is none. */
export function nextFire(expr: string, timezone: string, after: Date): Date | null {
  return cron(expr, timezone).nextRun(after);
}

export interface Due {
  /** The cron time the run is for: the latest one not after `now`. */
  readonly slot: Date;
  /** Earlier fire times folded into this run (the daemon was down, or the previous run overran). */
  readonly coalesced: number;
}

const COUNT_CAP = 1000;

type Timing = Pick<Schedule, 'cron' | 'timezone' | 'lastSlot' | 'createdAt'>;

/** The next fire time of a schedule: the first one after its last run (or its creation). */
export function nextSlot(s: Timing): Date | null {
  return nextFire(s.cron, s.timezone, new Date(s.lastSlot ?? s.createdAt));
}

/**
 * The run that is due at `now`, or null. Fire times missed since the last run are coalesced into one run,
 * for the latest of them, so a daemon that was down for a day runs an hourly schedule once, not 24 times.
 */
export function dueSlot(s: Timing, now: Date): Due | null {
  const c = cron(s.cron, s.timezone);
  const first = c.nextRun(new Date(s.lastSlot ?? s.createdAt));
  if (!first || first > now) return null;
  const latest = c.previousRuns(1, new Date(now.getTime() + 1))[0] ?? first;
  const slot = latest > first ? latest : first;
  let coalesced = 0;
  for (let t: Date | null = first; t && t < slot && coalesced < COUNT_CAP; t = c.nextRun(t)) coalesced++;
  return { slot, coalesced };
}
