// One run of a schedule, for the daemon (a cron slot) and for `schedule run` (now): take the lock, claim
// the slot, scan through the same code path as `camaudit scan`, work out what changed, queue the alerts,
// and log one line. Nothing here throws for a failed scan: the run is recorded as failed and the
// schedule carries on.
import { randomUUID } from 'node:crypto';
import { errorMessage } from '../core/errors.js';
import type { ExportDocument } from '../core/types.js';
import { scopeKey } from '../inventory/identity.js';
import type { RunKey, ScheduleStore } from '../store/schedule-store.js';
import { defaultSite } from '../store/sites.js';
import type { Store } from '../store/store.js';
import { changesSince, countChanges, isEmpty, type ChangeSet } from './changes.js';
import type { Due } from './cron.js';
import { ownerIsDead } from './owner.js';
import { buildPayload } from './payload.js';
import type { Channel, LockHolder, Owner, RunStatus, Schedule } from './types.js';

/** Runs the scan of a schedule and stores it; the edge that the daemon's tests replace. */
export type Scanner = (schedule: Schedule, signal: AbortSignal) => Promise<{ readonly scanId: number; readonly status: 'complete' | 'interrupted' }>;

export interface RunContext {
  readonly store: Store;
  readonly schedules: ScheduleStore;
  readonly scanner: Scanner;
  readonly owner: Owner;
  /** Channels of the daemon (--webhook, $CAMAUDIT_WEBHOOK_URL, --on-change), added to each schedule's own. */
  readonly channels: readonly Channel[];
  readonly lockTtlMs: number;
  readonly now: () => Date;
  readonly log: (line: string) => void;
  /** Aborted on shutdown: the scan stops, and what it found is stored as an interrupted scan. */
  readonly signal: AbortSignal;
}

export type RunOutcome =
  | { readonly kind: 'busy'; readonly holder: LockHolder }
  | { readonly kind: 'claimed-elsewhere' }
  | { readonly kind: 'ran'; readonly runId: number; readonly status: Exclude<RunStatus, 'running' | 'abandoned'>; readonly scanId: number | null; readonly alerts: number };

/** How many older scans decide whether a finding is new or reopened. */
const EARLIER_SCANS = 100;

/** The scan before `scanId` at the same site, of the same targets under the same policy, and the ones before that. */
async function baseline(store: Store, scanId: number): Promise<{ cur: ExportDocument; prev: ExportDocument | null; earlier: ExportDocument[] }> {
  const cur = await store.exportDocument(scanId);
  const scans = await store.listScans();
  const self = scans.find((s) => s.id === scanId);
  if (!cur || !self) throw new Error(`scan ${scanId} vanished from the database`);
  const key = scopeKey(self.targets);
  const policy = [...self.policy].sort().join(',');
  const same = scans.filter((s) => s.id < scanId && s.status === 'complete' && s.site === self.site && scopeKey(s.targets) === key && [...s.policy].sort().join(',') === policy);
  const prev = same[0] ? await store.exportDocument(same[0].id) : null;
  const earlier: ExportDocument[] = [];
  for (const s of same.slice(1, 1 + EARLIER_SCANS)) {
    const doc = await store.exportDocument(s.id, { flaggedOnly: true });
    if (doc) earlier.push(doc);
  }
  return { cur, prev, earlier };
}

function uniqueChannels(channels: readonly Channel[]): Channel[] {
  const seen = new Set<string>();
  return channels.filter((c) => {
    const key = c.kind === 'webhook' ? `webhook ${c.url}` : `command ${c.command}`;
    return !seen.has(key) && (seen.add(key), true);
  });
}

function describeChanges(c: ChangeSet): string {
  const n = countChanges(c);
  return `${n.newFindings} new, ${n.reopenedFindings} reopened, ${n.disappeared} gone`;
}

/** Runs `schedule` at its site: a schedule without one runs at this host's (the daemon passes its own). */
export async function runSchedule(ctx: RunContext, schedule: Schedule, due: Due | null): Promise<RunOutcome> {
  const { schedules, owner, now, log } = ctx;
  const site = schedule.settings.site ?? defaultSite();
  const name = schedule.name;
  const key: RunKey = { schedule: name, site };
  const lock = await schedules.acquireLock(key, owner, now(), ctx.lockTtlMs, ownerIsDead);
  if (!lock.acquired) return { kind: 'busy', holder: lock.holder };
  if (lock.stolenFrom) log(`schedule ${name}: took over the lock of pid ${lock.stolenFrom.pid} on ${lock.stolenFrom.host} (dead or silent since ${lock.stolenFrom.heartbeatAt}); its unfinished run is marked abandoned`);

  const lost = new AbortController();
  const heartbeat = setInterval(() => {
    schedules.renewLock(key, owner, now(), ctx.lockTtlMs).then(
      (held) => {
        if (held || lost.signal.aborted) return;
        log(`schedule ${name}: lock taken over by another process; stopping this run so the schedule never runs twice at once`);
        lost.abort();
      },
      (err: unknown) => log(`schedule ${name}: could not renew the lock: ${errorMessage(err)}`),
    );
  }, Math.max(1000, Math.floor(ctx.lockTtlMs / 3)));
  try {
    const slot = due ? { at: due.slot.toISOString(), after: schedule.lastSlot } : undefined;
    const runId = await schedules.startRun({ schedule: name, site, trigger: due ? 'cron' : 'manual', slot, owner, at: now().toISOString() });
    if (runId === null) return { kind: 'claimed-elsewhere' };
    const t0 = now().getTime();
    const what = `run ${runId} of ${name} at ${site} (${due ? `cron ${slot!.at}${due.coalesced ? `, ${due.coalesced} earlier missed time(s) folded in` : ''}` : 'manual'})`;
    const took = () => `${((now().getTime() - t0) / 1000).toFixed(1)} s`;

    let scanId: number | null = null;
    try {
      const scanned = await ctx.scanner({ ...schedule, settings: { ...schedule.settings, site } }, AbortSignal.any([ctx.signal, lost.signal]));
      scanId = scanned.scanId;
      const { cur, prev, earlier } = await baseline(ctx.store, scanned.scanId);
      const changes = changesSince(prev, cur, earlier);
      const channels = uniqueChannels([...schedule.channels, ...ctx.channels]);
      const alerts = isEmpty(changes) ? [] : channels;
      if (alerts.length) {
        const payload = JSON.stringify(buildPayload(name, cur, prev, changes));
        const at = now().toISOString();
        await schedules.enqueueAlerts(alerts.map((channel) => ({ deliveryId: randomUUID(), schedule: name, runId, channel, payload, at })));
      }
      await schedules.finishRun(runId, { status: scanned.status, scanId, changes: countChanges(changes), error: null, at: now().toISOString() });
      const flagged = cur.devices.filter((d) => d.flagged).length;
      const note = isEmpty(changes) ? 'no alert' : alerts.length ? `${alerts.length} alert(s) queued` : 'no channel configured';
      log(`${what}: scan ${scanId} ${scanned.status}, ${cur.devices.length} devices, ${flagged} flagged; changes: ${describeChanges(changes)}; ${note}; ${took()}`);
      return { kind: 'ran', runId, status: scanned.status, scanId, alerts: alerts.length };
    } catch (err) {
      const error = errorMessage(err);
      await schedules.finishRun(runId, { status: 'failed', scanId, changes: null, error, at: now().toISOString() });
      log(`${what}: failed${scanId === null ? '' : ` after storing scan ${scanId}`}: ${error}; ${took()}`);
      return { kind: 'ran', runId, status: 'failed', scanId, alerts: 0 };
    }
  } finally {
    clearInterval(heartbeat);
    await schedules.releaseLock(key, owner);
  }
}
