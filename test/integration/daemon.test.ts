// The built daemon in the lab's scanner namespace, running a schedule every few seconds against the namespace
// lab: change alerts reach a webhook receiver on that namespace's loopback, signed (HMAC-SHA256) and retried
// after a 500; a device that goes away and comes back is reported as gone, then as reopened; a SIGKILLed daemon
// is replaced without its slot being run twice; SIGTERM stops it after storing the scan in progress; `schedule run`
// runs it at once.
import { type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/netns.js';
import type { ChangePayload } from '../../src/schedule/payload.js';
import type { ScheduleStore } from '../../src/store/schedule-store.js';
import { openSqliteScheduleStore } from '../../src/store/sqlite-schedules.js';
import { CLI, cliInLab, parseExport, tempDir, useDefaultLab } from './lab-cli.js';

const RECEIVER = fileURLToPath(new URL('./webhook-receiver.mjs', import.meta.url));
const SECRET = 'lab-webhook-secret';
const GONE = { name: 'hytera-silent', ip: '198.18.0.16' }; // flagged by its MAC alone: no services to wait for

/** A child in the scanner namespace whose stdout lines are collected, with a way to wait for one. */
class Child {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  #partial = '';
  constructor(readonly proc: ChildProcess) {
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (this.#partial + chunk).split('\n');
      this.#partial = parts.pop()!;
      this.lines.push(...parts);
    });
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => process.stderr.write(`[${proc.pid}] ${chunk}`));
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  }
  async waitFor(what: string, pred: (lines: readonly string[]) => boolean, ms = 60_000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred(this.lines)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output so far:\n${this.lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

interface Delivery {
  headers: Record<string, string>;
  body: string;
}

const getLab = useDefaultLab();
let lab: Lab;
const tmp = tempDir();
const db = join(tmp.dir, 'camaudit.db');
const secretFile = join(tmp.dir, 'hook.key');
let receiver: Child;
let daemon: Child;
let schedules: ScheduleStore;

const deliveries = (): Delivery[] => receiver.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Delivery);
const payloads = (): ChangePayload[] => {
  const seen = new Set<string>();
  return deliveries().filter((d) => !seen.has(d.headers['x-camaudit-delivery']!) && seen.add(d.headers['x-camaudit-delivery']!)).map((d) => JSON.parse(d.body) as ChangePayload);
};
const startDaemon = () => new Child(lab.spawnInScanner(process.execPath, [CLI, 'daemon', '--db', db], { env: { CAMAUDIT_DB: '' } }));
/** The lab schedule's complete runs, each with the number of changes it found (new, reopened, gone). */
const completeRuns = async () =>
  (await schedules.listRuns({ schedule: 'lab' }))
    .filter((r) => r.status === 'complete' && r.changes)
    .map((r) => ({ ...r, changed: r.changes!.newFindings + r.changes!.reopenedFindings + r.changes!.disappeared }));
const runLines = (lines: readonly string[]) => lines.filter((l) => / run \d+ of lab at [^ ]+ \(cron /.test(l));

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; daemon output:\n${daemon.lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  lab = getLab();
  writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
  receiver = new Child(lab.spawnInScanner(process.execPath, [RECEIVER, '500']));
  await receiver.waitFor('the receiver', (l) => l.some((x) => x.startsWith('listening ')), 10_000);
  const port = receiver.lines[0]!.split(' ')[1]!;
  const add = await cliInLab(lab, ['schedule', 'add', 'lab', '198.18.0.0/24', '--cron', '*/4 * * * * *', '--timezone', 'UTC', '--db', db, '--webhook', `http://127.0.0.1:${port}/hook`, '--webhook-secret-file', secretFile]);
  expect(add.stderr).toBe('');
  expect(add.code).toBe(0);
  schedules = await openSqliteScheduleStore(db);
}, 60_000);

afterAll(async () => {
  for (const c of [daemon, receiver]) if (c && c.proc.exitCode === null) c.proc.kill('SIGKILL');
  await schedules?.close();
  tmp.remove();
}); // then useDefaultLab stops the lab and checks it left no namespace

describe.sequential('camaudit daemon in the lab', () => {
  it('scans on schedule and posts the first findings to the webhook, signed, retried after a 500 with the same delivery id', async () => {
    daemon = startDaemon();
    await receiver.waitFor('a retried delivery', (l) => l.filter((x) => x.startsWith('{')).length >= 2, 90_000);
    const [refused, accepted] = deliveries();
    expect(accepted!.headers['x-camaudit-delivery']).toBe(refused!.headers['x-camaudit-delivery']);
    for (const d of [refused!, accepted!]) {
      const mac = createHmac('sha256', SECRET).update(`${d.headers['x-camaudit-timestamp']}.${d.body}`).digest('hex');
      expect(d.headers['x-camaudit-signature']).toBe(`sha256=${mac}`);
    }
    const p = JSON.parse(accepted!.body) as ChangePayload;
    expect(p).toMatchObject({ event: 'camaudit.changes', version: 1, schedule: 'lab', previousScanId: null, scan: { targets: ['198.18.0.0/24'], status: 'complete' } });
    // Exactly what the stored scan flags: the payload is the export record of each new finding.
    const flagged = parseExport((await cliInLab(lab, ['export', '--db', db, '--scan', String(p.scan.id), '--flagged-only', '--format', 'json'])).stdout);
    expect(p.newFindings.map((d) => d.ip)).toEqual(flagged.devices.map((d) => d.ip));
    expect(p.newFindings.map((d) => d.ip)).toEqual(expect.arrayContaining(['198.18.0.11', GONE.ip]));
    expect(p.counts).toEqual({ newFindings: flagged.devices.length, reopenedFindings: 0, disappeared: 0 });
    expect(daemon.lines.some((l) => /alert 1 \(schedule lab\) to webhook http:\/\/127\.0\.0\.1:\d+\/…: attempt 1\/12 failed: HTTP 500/.test(l))).toBe(true);
  }, 120_000);

  it('alerts when a device disappears and again when it comes back (reopened), not on the scans in between', async () => {
    // Each change waits for a run that saw nothing new since the last alert, so that there are scans in between
    // to stay silent (a fast machine could otherwise make every run a changing one).
    const quietAfter = (scanId: number) =>
      until(`a run with no changes after scan ${scanId}`, async () => (await completeRuns()).some((r) => r.scanId! > scanId && r.changed === 0));
    await quietAfter(Math.max(...payloads().map((p) => p.scan.id)));
    await lab.execIn(lab.namespaceOf(GONE.name), 'ip', ['link', 'set', 'eth0', 'down']);
    await until('an alert about the device gone', async () => payloads().some((p) => p.disappeared.some((d) => d.ip === GONE.ip)));
    const gone = payloads().find((p) => p.disappeared.length)!;
    expect(gone.disappeared.map((d) => d.ip)).toEqual([GONE.ip]);
    expect(gone.newFindings).toEqual([]);

    await quietAfter(gone.scan.id);
    await lab.execIn(lab.namespaceOf(GONE.name), 'ip', ['link', 'set', 'eth0', 'up']);
    await until('an alert about the device back', async () => payloads().some((p) => p.reopenedFindings.length > 0));
    const back = payloads().find((p) => p.reopenedFindings.length)!;
    expect(back.reopenedFindings.map((d) => d.ip)).toEqual([GONE.ip]);
    expect(back.newFindings).toEqual([]);
    // Compared with the scan just before it: a quiet one, after the alert about the device gone.
    const earlier = (await schedules.listRuns({ schedule: 'lab' })).filter((r) => r.status === 'complete' && r.scanId! < back.scan.id);
    expect(back.previousScanId).toBe(Math.max(...earlier.map((r) => r.scanId!)));
    expect(back.previousScanId).toBeGreaterThan(gone.scan.id);
    // Scans with nothing new sent nothing: one alert per run that changed something. A run queues its alert just
    // before it records its own end, so the daemon may deliver one before `runs` shows it: wait for the record.
    const changed = async () => (await completeRuns()).filter((r) => r.changed > 0);
    await until('every alerted run recorded', async () => {
      const ids = new Set((await changed()).map((r) => r.scanId));
      return payloads().every((p) => ids.has(p.scan.id));
    });
    const alerted = payloads().map((p) => p.scan.id);
    const pending = (await changed()).map((r) => r.scanId!).filter((id) => !alerted.includes(id));
    expect(pending.every((id) => id > Math.max(...alerted))).toBe(true); // only the newest may still be on its way
    const quiet = (await completeRuns()).filter((r) => r.changed === 0);
    expect(quiet.length).toBeGreaterThanOrEqual(2);
    expect(payloads().filter((p) => quiet.some((r) => r.scanId === p.scan.id))).toEqual([]);
  }, 180_000);

  it('reports health while running', async () => {
    const r = await cliInLab(lab, ['daemon', '--status', '--db', db, '--json']);
    expect(r.code).toBe(0);
    const h = JSON.parse(r.stdout) as { healthy: boolean; daemons: { pid: number; state: string }[]; alerts: { delivered: number } };
    expect(h.healthy).toBe(true);
    expect(h.daemons[0]).toMatchObject({ pid: daemon.proc.pid, state: 'running' });
    expect(h.alerts.delivered).toBe(payloads().length);
  });

  it('after SIGKILL mid-run, a new daemon closes the dead run and never runs its slot again', async () => {
    await until('a run in progress', async () => (await schedules.listRuns({ schedule: 'lab', limit: 1 }))[0]?.status === 'running');
    const [killed] = await schedules.listRuns({ schedule: 'lab', limit: 1 });
    daemon.proc.kill('SIGKILL');
    await daemon.exited;
    const dead = daemon;

    daemon = startDaemon();
    await daemon.waitFor('two runs of the new daemon', (l) => runLines(l).length >= 2);
    expect(daemon.lines.some((l) => l.endsWith(`schedule lab: pid ${dead.proc.pid} on ${killed!.host} died while running it; its run is marked abandoned and its slot is not run again`))).toBe(true);
    const runs = (await schedules.listRuns({ schedule: 'lab' })).reverse();
    expect(runs.find((r) => r.id === killed!.id)).toMatchObject({ status: 'abandoned', slot: killed!.slot });
    expect(runs.filter((r) => r.slot === killed!.slot)).toHaveLength(1);
    expect(runs.filter((r) => r.id > killed!.id).every((r) => r.slot! > killed!.slot!)).toBe(true);
    // One at a time: each finished run ended before the next began.
    const finished = runs.filter((r) => r.status !== 'abandoned' && r.finishedAt);
    for (let i = 1; i < finished.length; i++) expect(finished[i]!.startedAt >= finished[i - 1]!.finishedAt!).toBe(true);
  }, 120_000);

  it('stops on SIGTERM after storing the scan in progress, and then reports itself not running', async () => {
    await until('a run in progress', async () => (await schedules.listRuns({ schedule: 'lab', limit: 1 }))[0]?.status === 'running');
    const [inProgress] = await schedules.listRuns({ schedule: 'lab', limit: 1 });
    daemon.proc.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    expect(daemon.lines.at(-1)).toMatch(/ daemon stopped$/);
    const [run] = await schedules.listRuns({ schedule: 'lab', limit: 1 });
    expect(run!.id).toBe(inProgress!.id);
    expect(['interrupted', 'complete']).toContain(run!.status);
    expect(run!.scanId).not.toBeNull();
    expect(await schedules.getLock({ schedule: 'lab', site: hostname() })).toBeNull();
    const r = await cliInLab(lab, ['daemon', '--status', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^daemon: not running \(last seen: pid \d+ on .*, stopped, /);
  }, 60_000);

  it('runs the schedule now, in the foreground, with `schedule run`', async () => {
    const r = await cliInLab(lab, ['schedule', 'run', 'lab', '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^run \d+ of lab at [^ ]+ \(manual\): scan \d+ complete, \d+ devices, \d+ flagged; changes: \d+ new, \d+ reopened, \d+ gone; /m);
    const [run] = await schedules.listRuns({ schedule: 'lab', limit: 1 });
    expect(run).toMatchObject({ trigger: 'manual', slot: null, status: 'complete', pid: expect.any(Number) });
  }, 60_000);
});
