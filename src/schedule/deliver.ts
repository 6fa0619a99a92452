// Delivering the alert outbox. Each due alert gets one attempt per pass; a failure is logged and the alert
// waits, with exponential backoff, for a later pass. Alerts are rows in the database, so a daemon that
// stops or crashes delivers them after its restart. A channel that keeps failing is given up on after
// maxAttempts and stays in the database as `failed` (`camaudit daemon --status` shows it).
import { readWebhookSecret } from '../cli/channels.js';
import { clean } from '../cli/table.js';
import { errorMessage } from '../core/errors.js';
import type { ScheduleStore } from '../store/schedule-store.js';
import { runCommandHook } from './command-hook.js';
import { slackText, type ChangePayload } from './payload.js';
import type { Alert, Channel } from './types.js';
import { postWebhook, redactUrl, type AttemptResult } from './webhook.js';

export interface DeliveryPolicy {
  /** Deadline of one attempt: the HTTP request, or the command hook's run. */
  readonly timeoutMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxAttempts: number;
}

/** 2 s, 4 s, 8 s … capped at 15 min: twelve attempts span about 75 minutes. */
export const DEFAULT_DELIVERY: DeliveryPolicy = { timeoutMs: 10_000, baseDelayMs: 2_000, maxDelayMs: 15 * 60_000, maxAttempts: 12 };

export function backoffMs(failedAttempts: number, p: DeliveryPolicy): number {
  return Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
}

export function channelLabel(c: Channel): string {
  if (c.kind === 'webhook') return `webhook ${redactUrl(c.url)}${c.format === 'slack' ? ' (slack)' : ''}`;
  return `command ${JSON.stringify(c.command.length > 40 ? `${c.command.slice(0, 39)}…` : c.command)}`;
}

async function attempt(alert: Alert, p: DeliveryPolicy, now: () => Date): Promise<AttemptResult> {
  const c = alert.channel;
  if (c.kind === 'command') {
    const env = { CAMAUDIT_EVENT: 'changes', CAMAUDIT_SCHEDULE: alert.schedule, CAMAUDIT_DELIVERY_ID: alert.deliveryId };
    return runCommandHook({ command: c.command, body: alert.payload, env, timeoutMs: p.timeoutMs });
  }
  let secret: string | null = null;
  try {
    // Read at each attempt: a rotated secret is used from the next attempt on, and never stored.
    if (c.secretFile !== null) secret = readWebhookSecret(c.secretFile);
  } catch (err) {
    return { ok: false, error: errorMessage(err) };
  }
  const body = c.format === 'slack' ? JSON.stringify({ text: slackText(JSON.parse(alert.payload) as ChangePayload) }) : alert.payload;
  return postWebhook({ url: c.url, body, deliveryId: alert.deliveryId, secret, timeoutMs: p.timeoutMs, now });
}

export interface DeliveryContext {
  readonly store: ScheduleStore;
  readonly policy: DeliveryPolicy;
  readonly now: () => Date;
  readonly log: (line: string) => void;
  /** Checked between alerts: a stopping daemon finishes the attempt in flight and leaves the rest queued. */
  readonly stopping?: () => boolean;
  /** Only these alerts (`schedule run` delivers its own and leaves the rest to the daemon). */
  readonly only?: (alert: Alert) => boolean;
}

/** One pass over the due alerts. Returns how many were attempted. */
export async function deliverDue(ctx: DeliveryContext, limit = 50): Promise<number> {
  const due = (await ctx.store.dueAlerts(ctx.now(), limit)).filter(ctx.only ?? (() => true));
  let n = 0;
  for (const alert of due) {
    if (ctx.stopping?.()) break;
    n++;
    const result = await attempt(alert, ctx.policy, ctx.now);
    const attempts = alert.attempts + 1;
    const at = ctx.now();
    const label = `alert ${alert.id} (schedule ${alert.schedule}) to ${channelLabel(alert.channel)}`;
    if (result.ok) {
      await ctx.store.updateAlert(alert.id, { status: 'delivered', attempts, nextAttemptAt: at.toISOString(), lastError: null, deliveredAt: at.toISOString() });
      ctx.log(`${label}: delivered${attempts > 1 ? ` on attempt ${attempts}` : ''}`);
      continue;
    }
    const error = clean(result.error).slice(0, 300); // a receiver's words reach our log and database: one bounded line
    const giveUp = attempts >= ctx.policy.maxAttempts;
    const delay = backoffMs(attempts, ctx.policy);
    await ctx.store.updateAlert(alert.id, {
      status: giveUp ? 'failed' : 'pending',
      attempts,
      nextAttemptAt: new Date(at.getTime() + (giveUp ? 0 : delay)).toISOString(),
      lastError: error,
      deliveredAt: null,
    });
    ctx.log(`${label}: attempt ${attempts}/${ctx.policy.maxAttempts} failed: ${error}; ${giveUp ? 'giving up' : `retrying in ${Math.round(delay / 1000)} s`}`);
  }
  return n;
}
