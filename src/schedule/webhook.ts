// One webhook delivery attempt: a JSON POST, signed when a secret is set, with a deadline. Retrying is the
// outbox's job (deliver.ts), so an attempt either succeeds or says why not, and never throws.
import { createHmac } from 'node:crypto';
import { VERSION } from '../cli/version.js';

export const SIGNATURE_HEADER = 'x-camaudit-signature';
export const TIMESTAMP_HEADER = 'x-camaudit-timestamp';
export const DELIVERY_HEADER = 'x-camaudit-delivery';

/**
 * `sha256=` + hex HMAC-SHA256 over `<timestamp>.<body>`. The timestamp is signed so a captured request
 * cannot be replayed later: receivers should refuse one more than a few minutes old.
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface WebhookRequest {
  readonly url: string;
  readonly body: string;
  readonly deliveryId: string;
  readonly secret: string | null;
  readonly timeoutMs: number;
  readonly now?: () => Date;
}

export type AttemptResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** What a log line may show of a webhook URL: Slack-style URLs carry their secret in the path. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : '/…'}`;
  } catch {
    return '(invalid URL)';
  }
}

export async function postWebhook(req: WebhookRequest): Promise<AttemptResult> {
  const timestamp = String(Math.floor((req.now?.() ?? new Date()).getTime() / 1000));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': `camaudit/${VERSION}`,
    [DELIVERY_HEADER]: req.deliveryId,
    [TIMESTAMP_HEADER]: timestamp,
  };
  if (req.secret !== null) headers[SIGNATURE_HEADER] = signature(req.secret, timestamp, req.body);
  try {
    // A redirect is a failure, not a new destination: the signed alert goes where it was configured to go.
    const res = await fetch(req.url, { method: 'POST', headers, body: req.body, redirect: 'manual', signal: AbortSignal.timeout(req.timeoutMs) });
    await res.body?.cancel(); // the reply is not read: nothing a receiver says changes what was sent
    return res.ok ? { ok: true } : { ok: false, error: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') return { ok: false, error: `no answer within ${req.timeoutMs} ms` };
    return { ok: false, error: e.cause?.code ?? e.cause?.message ?? e.message };
  }
}
