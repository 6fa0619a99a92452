// The findings workflow as pure transitions. A finding is opened when a device is first flagged; people move
// it to acknowledged, exception (with a reason and an expiry date) or remediated; camaudit itself marks it
// remediated when a complete scan of the same targets no longer sees the device, reopens it when the device
// comes back flagged, returns an expired exception to open, and withdraws it when the device is no longer
// flagged (a policy change, or a scan that judged it otherwise). Each transition lists its changes, so the
// store records every one with its time, actor and reason.
import { UsageError } from '../core/errors.js';
import type { FindingStatus } from '../core/types.js';

export interface FindingState {
  readonly status: FindingStatus;
  readonly owner: string | null;
  readonly notes: string | null;
  readonly reason: string | null;
  readonly expiresAt: string | null;
}

export type FindingField = 'status' | 'owner' | 'note' | 'expires';

export interface FindingChange {
  readonly field: FindingField;
  readonly oldValue: string | null;
  readonly newValue: string | null;
  readonly why: string | null;
}

export interface Transition {
  readonly next: FindingState;
  readonly changes: readonly FindingChange[];
}

/** Statuses a person may set; `withdrawn` is camaudit's alone. */
export const SETTABLE_STATUSES = ['open', 'acknowledged', 'exception', 'remediated'] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

/** Statuses that still ask something of someone: the device is there and flagged. */
export const ACTIVE_STATUSES: readonly FindingStatus[] = ['open', 'acknowledged', 'exception'];
const isActive = (s: FindingStatus): boolean => ACTIVE_STATUSES.includes(s);

const NEW_FINDING: FindingState = { status: 'open', owner: null, notes: null, reason: null, expiresAt: null };

function moveTo(f: FindingState, status: FindingStatus, why: string | null): Transition {
  const leavingException = f.status === 'exception' && status !== 'exception';
  const changes: FindingChange[] = [{ field: 'status', oldValue: f.status, newValue: status, why }];
  if (leavingException && f.expiresAt !== null) changes.push({ field: 'expires', oldValue: f.expiresAt, newValue: null, why });
  return { next: { ...f, status, ...(leavingException ? { reason: null, expiresAt: null } : {}) }, changes };
}

/**
 * The device was judged: seen by a scan (`seen`), or re-judged from stored observations by a re-evaluation.
 * `by` says which, e.g. "scan 4". Only a sighting brings back a remediated device. Null when nothing changes.
 */
export function afterSighting(f: FindingState | null, flagged: boolean, by: string, seen = true): Transition | null {
  if (f === null) {
    return flagged ? { next: NEW_FINDING, changes: [{ field: 'status', oldValue: null, newValue: 'open', why: `flagged by ${by}` }] } : null;
  }
  if (flagged && f.status === 'remediated') return seen ? moveTo(f, 'open', `the device is back: flagged by ${by}`) : null;
  if (flagged && f.status === 'withdrawn') return moveTo(f, 'open', `flagged again by ${by}`);
  if (!flagged && isActive(f.status)) return moveTo(f, 'withdrawn', `no longer flagged by ${by}`);
  return null;
}

/** A complete scan of the same targets did not see the device. */
export function afterAbsence(f: FindingState, scanId: number): Transition | null {
  return isActive(f.status) ? moveTo(f, 'remediated', `absent from complete scan ${scanId} of the same targets`) : null;
}

/** An exception holds through its expiry date and returns to open the day after. */
export function afterExpiry(f: FindingState, today: string): Transition | null {
  if (f.status !== 'exception' || f.expiresAt === null || f.expiresAt >= today) return null;
  return moveTo(f, 'open', `exception expired on ${f.expiresAt}`);
}

export interface UserChange {
  readonly status?: SettableStatus;
  readonly note?: string;
  readonly owner?: string;
  readonly expires?: string;
}

/** YYYY-MM-DD of an instant, in UTC (the day an exception is judged against). */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** A calendar date as YYYY-MM-DD, or a UsageError naming it. */
export function parseDay(text: string, flag: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const d = m ? new Date(`${text}T00:00:00Z`) : null;
  if (!m || !d || Number.isNaN(d.getTime()) || dayOf(d) !== text) throw new UsageError(`invalid ${flag} ${JSON.stringify(text)}: expected a date as YYYY-MM-DD`);
  return text;
}

/** What a person asked for, checked against the workflow's rules. */
export function userTransition(f: FindingState, change: UserChange, today: string): Transition {
  const { status, note, owner, expires } = change;
  if (status === undefined && note === undefined && owner === undefined && expires === undefined) {
    throw new UsageError('nothing to change: give --status, --owner, --note or --expires');
  }
  const becomesException = status === 'exception' && f.status !== 'exception';
  if (becomesException && !note?.trim()) throw new UsageError('--status exception needs --note "the reason" (why the device may stay)');
  if (becomesException && expires === undefined) throw new UsageError('--status exception needs --expires YYYY-MM-DD (the last day the exception holds)');
  const staysException = (status ?? f.status) === 'exception';
  if (expires !== undefined && !staysException) throw new UsageError(`--expires applies to exceptions only; this finding is ${status ?? f.status}`);
  if (expires !== undefined && parseDay(expires, '--expires') < today) throw new UsageError(`invalid --expires ${JSON.stringify(expires)}: the date has passed (today is ${today})`);

  let t: Transition = { next: f, changes: [] };
  const add = (next: FindingState, ...changes: FindingChange[]): void => {
    t = { next, changes: [...t.changes, ...changes] };
  };
  if (status !== undefined && status !== f.status) {
    const moved = moveTo(t.next, status, note?.trim() || null);
    add(moved.next, ...moved.changes);
  }
  if (becomesException) add({ ...t.next, reason: note!.trim() });
  if (expires !== undefined && expires !== t.next.expiresAt) {
    add({ ...t.next, expiresAt: expires }, { field: 'expires', oldValue: t.next.expiresAt, newValue: expires, why: null });
  }
  if (owner !== undefined) {
    const value = owner.trim() || null;
    if (value !== t.next.owner) add({ ...t.next, owner: value }, { field: 'owner', oldValue: t.next.owner, newValue: value, why: null });
  }
  if (note?.trim()) add({ ...t.next, notes: note.trim() }, { field: 'note', oldValue: null, newValue: note.trim(), why: null });
  if (t.changes.length === 0) throw new UsageError(`nothing changed: the finding is already ${f.status}${f.owner ? `, owned by ${f.owner}` : ''}`);
  return t;
}
