// Delivering alerts to a webhook receiver on loopback and to a command hook: signature, Slack form,
// deadlines, and retry with backoff on a fake clock. A failing channel is recorded, never thrown.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backoffMs, deliverDue, DEFAULT_DELIVERY, type DeliveryPolicy } from '../../src/schedule/deliver.js';
import type { Channel } from '../../src/schedule/types.js';
import { postWebhook, redactUrl } from '../../src/schedule/webhook.js';
import type { ScheduleStore } from '../../src/store/schedule-store.js';
import { openSqliteScheduleStore } from '../../src/store/sqlite-schedules.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base: string;
let closedUrl: string; // a loopback port nobody listens on
const received: Received[] = [];
/** What the receiver answers next: a status, or 'hang' to never answer. */
let answers: (number | 'hang')[] = [];
const dir = mkdtempSync(join(tmpdir(), 'camaudit-deliver-'));
const secretFile = join(dir, 'hook.key');
writeFileSync(secretFile, 'correct horse battery staple\n', { mode: 0o600 });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const a = answers.shift() ?? 200;
      if (a === 'hang') return;
      res.writeHead(a, a === 302 ? { location: 'http://127.0.0.1:9/elsewhere' } : {}).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/hook`;
  await new Promise((resolve) => closed.close(resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  received.length = 0;
  answers = [];
});

const PAYLOAD = JSON.stringify({
  event: 'camaudit.changes',
  version: 1,
  schedule: 'office',
  scan: { id: 2, startedAt: 'x', finishedAt: 'x', targets: ['198.18.0.0/24'], status: 'complete', devices: 1, flagged: 1 },
  previousScanId: 1,
  counts: { newFindings: 1, reopenedFindings: 0, disappeared: 0 },
  newFindings: [{ ip: '198.18.0.11', mac: '28:57:be:aa:bb:01', manufacturerName: 'Hikvision', model: 'DS-2CD2385G1-I', restriction: { entityName: 'Hikvision', lists: ['us-fcc-covered-list'] } }],
  reopenedFindings: [],
  disappeared: [],
});

describe('postWebhook', () => {
  it('signs `<timestamp>.<body>` with HMAC-SHA256 so the receiver can verify it', async () => {
    const now = () => new Date('2026-05-01T03:00:00.000Z');
    expect(await postWebhook({ url: `${base}/hook`, body: PAYLOAD, deliveryId: 'd-1', secret: 'k3y', timeoutMs: 2000, now })).toEqual({ ok: true });
    const [r] = received;
    expect(r!.body).toBe(PAYLOAD);
    expect(r!.headers).toMatchObject({ 'content-type': 'application/json', 'x-camaudit-delivery': 'd-1', 'x-camaudit-timestamp': '1777604400' });
    const expected = createHmac('sha256', 'k3y').update(`1777604400.${r!.body}`).digest('hex');
    expect(r!.headers['x-camaudit-signature']).toBe(`sha256=${expected}`);
  });

  it('sends no signature header without a secret', async () => {
    await postWebhook({ url: `${base}/hook`, body: PAYLOAD, deliveryId: 'd-2', secret: null, timeoutMs: 2000 });
    expect(received[0]!.headers['x-camaudit-signature']).toBeUndefined();
  });

  it.each([
    [500, 'HTTP 500 Internal Server Error'],
    [302, 'HTTP 302 Found'], // a redirect is not followed: the alert goes where it was configured to go
  ])('reports HTTP %i as a failure', async (status, error) => {
    answers = [status];
    expect(await postWebhook({ url: `${base}/hook`, body: PAYLOAD, deliveryId: 'd-3', secret: null, timeoutMs: 2000 })).toEqual({ ok: false, error });
    expect(received).toHaveLength(1);
  });

  it('gives up on a receiver that never answers, at the deadline', async () => {
    answers = ['hang'];
    const t0 = Date.now();
    expect(await postWebhook({ url: `${base}/hook`, body: PAYLOAD, deliveryId: 'd-4', secret: null, timeoutMs: 300 })).toEqual({ ok: false, error: 'no answer within 300 ms' });
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('reports a refused connection without throwing', async () => {
    expect(await postWebhook({ url: closedUrl, body: PAYLOAD, deliveryId: 'd-5', secret: null, timeoutMs: 1000 })).toEqual({ ok: false, error: 'ECONNREFUSED' });
  });

  it('never logs the secret part of a Slack-style URL', () => {
    expect(redactUrl('https://hooks.slack.com/services/T000/B000/XXXXSECRET')).toBe('https://hooks.slack.com/…');
  });
});

describe('deliverDue', () => {
  const fast: DeliveryPolicy = { ...DEFAULT_DELIVERY, timeoutMs: 2000, maxAttempts: 3 };
  let clock = new Date('2026-05-01T03:00:00.000Z');
  const now = () => clock;
  const tick = (ms: number) => (clock = new Date(clock.getTime() + ms));

  async function outbox(channel: Channel): Promise<{ store: ScheduleStore; log: string[] }> {
    const store = await openSqliteScheduleStore(':memory:');
    await store.enqueueAlerts([{ deliveryId: 'delivery-1', schedule: 'office', runId: 7, channel, payload: PAYLOAD, at: clock.toISOString() }]);
    return { store, log: [] };
  }

  it('backs off exponentially up to a cap', () => {
    expect([1, 2, 3, 4, 20].map((n) => backoffMs(n, DEFAULT_DELIVERY))).toEqual([2000, 4000, 8000, 16000, 15 * 60_000]);
  });

  it('retries a failing webhook after the backoff, with the same delivery id and a valid signature each time', async () => {
    const { store, log } = await outbox({ kind: 'webhook', url: `${base}/hook`, secretFile, format: 'json' });
    const ctx = { store, policy: fast, now, log: (l: string) => log.push(l) };
    answers = [503];
    expect(await deliverDue(ctx)).toBe(1);
    expect(log.at(-1)).toMatch(/^alert 1 \(schedule office\) to webhook http:\/\/127\.0\.0\.1:\d+\/…: attempt 1\/3 failed: HTTP 503 Service Unavailable; retrying in 2 s$/);
    tick(1999);
    expect(await deliverDue(ctx)).toBe(0); // not due yet
    tick(1);
    expect(await deliverDue(ctx)).toBe(1);
    expect(log.at(-1)).toMatch(/delivered on attempt 2$/);
    expect(received.map((r) => r.headers['x-camaudit-delivery'])).toEqual(['delivery-1', 'delivery-1']);
    for (const r of received) {
      const mac = createHmac('sha256', 'correct horse battery staple').update(`${r.headers['x-camaudit-timestamp']}.${r.body}`).digest('hex');
      expect(r.headers['x-camaudit-signature']).toBe(`sha256=${mac}`);
    }
    expect(await store.alertCounts()).toEqual({ pending: 0, delivered: 1, failed: 0 });
    await store.close();
  });

  it('gives up after maxAttempts and keeps the alert as failed with the last error', async () => {
    const { store, log } = await outbox({ kind: 'webhook', url: closedUrl, secretFile: null, format: 'json' });
    const ctx = { store, policy: fast, now, log: (l: string) => log.push(l) };
    for (let i = 0; i < 3; i++) {
      await deliverDue(ctx);
      tick(60_000);
    }
    expect(log.at(-1)).toMatch(/attempt 3\/3 failed: ECONNREFUSED; giving up$/);
    expect(await store.failedAlerts(5)).toMatchObject([{ deliveryId: 'delivery-1', status: 'failed', attempts: 3, lastError: 'ECONNREFUSED' }]);
    expect(await deliverDue(ctx)).toBe(0);
    await store.close();
  });

  it('fails (and retries later) when the secret file has gone, instead of sending unsigned', async () => {
    const { store, log } = await outbox({ kind: 'webhook', url: `${base}/hook`, secretFile: join(dir, 'missing.key'), format: 'json' });
    await deliverDue({ store, policy: fast, now, log: (l: string) => log.push(l) });
    expect(received).toEqual([]);
    expect(log.at(-1)).toMatch(/cannot read the webhook secret from ".*missing\.key".*retrying in 2 s$/);
    await store.close();
  });

  it('posts the Slack form as {"text": …}', async () => {
    const { store } = await outbox({ kind: 'webhook', url: `${base}/slack`, secretFile: null, format: 'slack' });
    await deliverDue({ store, policy: fast, now, log: () => {} });
    expect(JSON.parse(received[0]!.body)).toEqual({
      text: 'camaudit: 1 new restricted device in scan 2 of 198.18.0.0/24 (schedule office)\n• NEW 198.18.0.11 Hikvision DS-2CD2385G1-I 28:57:be:aa:bb:01 (us-fcc-covered-list)',
    });
    await store.close();
  });

  it('gives a command hook the payload on stdin and the schedule in its environment', async () => {
    const out = join(dir, 'hook.out');
    const { store } = await outbox({ kind: 'command', command: `{ echo "$CAMAUDIT_SCHEDULE $CAMAUDIT_DELIVERY_ID"; cat; } > '${out}'` });
    await deliverDue({ store, policy: fast, now, log: () => {} });
    expect(readFileSync(out, 'utf8')).toBe(`office delivery-1\n${PAYLOAD}`);
    expect(await store.alertCounts()).toMatchObject({ delivered: 1 });
    await store.close();
  });

  it('counts a failing or hanging command hook as a failed attempt, with its last stderr line', async () => {
    const { store, log } = await outbox({ kind: 'command', command: 'echo "ticket system down" >&2; exit 3' });
    await deliverDue({ store, policy: fast, now, log: (l: string) => log.push(l) });
    expect(log.at(-1)).toMatch(/to command "echo .*attempt 1\/3 failed: exit 3: ticket system down; retrying in 2 s$/);
    const hang = await outbox({ kind: 'command', command: 'sleep 30' });
    const t0 = Date.now();
    await deliverDue({ store: hang.store, policy: { ...fast, timeoutMs: 300 }, now, log: (l: string) => hang.log.push(l) });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(hang.log.at(-1)).toMatch(/failed: no exit within 300 ms; killed; retrying/);
    await Promise.all([store.close(), hang.store.close()]);
  });
});
