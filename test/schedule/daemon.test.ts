// The daemon loop with a stand-in scanner (no network): two daemons on one database never run a schedule
// twice at once nor a slot twice; alerts go out on change only, and a failing channel never stops the
// schedule; stopping interrupts the scan and keeps what it found; a predecessor's dead run is closed, not redone.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JudgedDevice } from '../../src/core/types.js';
import { runDaemon, type DaemonOptions } from '../../src/schedule/daemon.js';
import { DEFAULT_DELIVERY } from '../../src/schedule/deliver.js';
import type { Scanner } from '../../src/schedule/run.js';
import type { Channel, Owner } from '../../src/schedule/types.js';
import type { ScheduleStore } from '../../src/store/schedule-store.js';
import { openSqliteScheduleStore } from '../../src/store/sqlite-schedules.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { aScanResult, axisCamera, entityNames, hikvisionCamera } from '../store/builders.js';
import { useTempDir } from '../store/temp.js';

const newDir = useTempDir();
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 45_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const SITE = hostname();
const owner = (): Owner => ({ token: randomUUID(), pid: process.pid, start: null, host: hostname() });

async function setup(cron: string, channels: Channel[] = []) {
  const path = join(newDir(), 'camaudit.db');
  const store = await openSqliteStore(path, { names: entityNames });
  const schedules = await openSqliteScheduleStore(path);
  await schedules.addSchedule({
    name: 'office',
    cron,
    timezone: 'UTC',
    targets: ['198.18.0.0/23'],
    settings: { sweep: 'auto', nmapPath: 'nmap', timeout: 1000 },
    channels,
    createdAt: new Date().toISOString(),
  });
  return { path, store, schedules };
}

/** A scanner that stores the next device list of `plan` (the last one repeats) after `ms`, or sooner when aborted. */
function fakeScanner(store: Store, plan: JudgedDevice[][], ms: number, stats = { active: 0, maxActive: 0, calls: 0 }): Scanner & { stats: typeof stats } {
  const scanner = async (_s: unknown, signal: AbortSignal) => {
    stats.calls++;
    stats.maxActive = Math.max(stats.maxActive, ++stats.active);
    try {
      await sleep(ms, signal);
      const devices = plan[Math.min(stats.calls - 1, plan.length - 1)]!;
      const status = signal.aborted ? ('interrupted' as const) : ('complete' as const);
      const base = aScanResult();
      const scanId = await store.saveScan({ ...base, scan: { ...base.scan, status }, devices });
      return { scanId, status };
    } finally {
      stats.active--;
    }
  };
  return Object.assign(scanner, { stats });
}

function daemon(store: Store, schedules: ScheduleStore, scanner: Scanner, signal: AbortSignal, log: string[], channels: Channel[] = []): Promise<void> {
  const o: DaemonOptions = {
    store,
    schedules,
    scanner,
    owner: owner(),
    channels,
    lockTtlMs: 30_000,
    now: () => new Date(),
    log: (l) => log.push(l),
    signal,
    version: 'test',
    delivery: { ...DEFAULT_DELIVERY, timeoutMs: 2000 },
    tickMs: 200,
    heartbeatMs: 500,
    site: SITE,
  };
  return runDaemon(o);
}

const camera = hikvisionCamera({ ip: '198.18.0.10' });
const axis = axisCamera({ ip: '198.18.0.9' });
const radio = hikvisionCamera({ ip: '198.18.0.16', mac: '00:1e:ed:00:00:16' });

describe('runDaemon', () => {
  it('never runs one schedule twice at once, nor one slot twice, even with two daemons on the database', async () => {
    const { path, store, schedules } = await setup('* * * * * *'); // every second; each scan takes 1.5 s
    const other = await openSqliteScheduleStore(path);
    const scanner = fakeScanner(store, [[camera]], 1500);
    const stop = new AbortController();
    const logs: string[][] = [[], []];
    const both = Promise.all([daemon(store, schedules, scanner, stop.signal, logs[0]!), daemon(store, other, scanner, stop.signal, logs[1]!)]);
    await until('four runs', async () => (await schedules.listRuns()).filter((r) => r.status !== 'running').length >= 4);
    stop.abort();
    await both;

    expect(scanner.stats.maxActive).toBe(1);
    const runs = (await schedules.listRuns()).reverse();
    const slots = runs.map((r) => r.slot);
    expect(new Set(slots).size).toBe(slots.length);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.startedAt >= runs[i - 1]!.finishedAt!).toBe(true);
    // Slots that passed during a run are folded into the next one, not queued one by one.
    expect(logs.flat().some((l) => /earlier missed time\(s\) folded in/.test(l))).toBe(true);
    await Promise.all([store.close(), schedules.close(), other.close()]);
  }, 60_000);

  it('alerts only when something changed, and a failing channel neither blocks the others nor the schedule', async () => {
    const out = join(newDir(), 'alerts.jsonl');
    const channels: Channel[] = [
      { kind: 'command', command: 'echo "pager offline" >&2; exit 1' },
      { kind: 'command', command: `cat >> '${out}'; echo >> '${out}'` },
    ];
    const { store, schedules } = await setup('* * * * * *', channels);
    const plan = [[camera, axis], [camera, axis], [camera], [camera, radio]];
    const scanner = fakeScanner(store, plan, 50);
    const stop = new AbortController();
    const log: string[] = [];
    const running = daemon(store, schedules, scanner, stop.signal, log);
    await until('four complete runs', async () => (await schedules.listRuns()).filter((r) => r.status === 'complete').length >= 4);
    await until('three alerts delivered', async () => (await schedules.alertCounts()).delivered >= 3);
    stop.abort();
    await running;

    const runs = (await schedules.listRuns()).reverse().slice(0, 4);
    expect(runs.map((r) => r.changes)).toEqual([
      { newFindings: 1, reopenedFindings: 0, disappeared: 0 },
      { newFindings: 0, reopenedFindings: 0, disappeared: 0 },
      { newFindings: 0, reopenedFindings: 0, disappeared: 1 },
      { newFindings: 1, reopenedFindings: 0, disappeared: 0 },
    ]);
    const sent = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { scan: { id: number }; newFindings: { ip: string }[]; disappeared: { ip: string }[] });
    expect(sent.map((p) => [p.scan.id, p.newFindings.map((d) => d.ip), p.disappeared.map((d) => d.ip)]).slice(0, 3)).toEqual([
      [runs[0]!.scanId, ['198.18.0.10'], []],
      [runs[2]!.scanId, [], ['198.18.0.9']],
      [runs[3]!.scanId, ['198.18.0.16'], []],
    ]);
    expect(log.some((l) => /to command "echo \\"pager offline.*attempt 1\/12 failed: exit 1: pager offline; retrying in 2 s/.test(l))).toBe(true);
    expect(log.filter((l) => /^run \d+ of office at [^ ]+ \(cron .*\): scan \d+ complete, \d devices, \d flagged; changes: /.test(l)).length).toBeGreaterThanOrEqual(4);
    await Promise.all([store.close(), schedules.close()]);
  }, 60_000);

  it('on stop, interrupts the scan in progress, stores what it found, and records the run and itself as stopped', async () => {
    const { store, schedules } = await setup('* * * * * *');
    const scanner = fakeScanner(store, [[camera]], 60_000); // only the stop ends it
    const stop = new AbortController();
    const log: string[] = [];
    const running = daemon(store, schedules, scanner, stop.signal, log);
    await until('a run in progress', () => scanner.stats.active === 1);
    stop.abort();
    await running;

    const [run] = await schedules.listRuns();
    expect(run).toMatchObject({ status: 'interrupted', error: null });
    expect((await store.getScan(run!.scanId!))).toMatchObject({ status: 'interrupted', deviceCount: 1 });
    expect(await schedules.getLock({ schedule: 'office', site: SITE })).toBeNull();
    const [me] = await schedules.listDaemons();
    expect(me!.stoppedAt).not.toBeNull();
    expect(log.slice(-3)).toEqual([
      'stopping: interrupting office; what was found is stored',
      expect.stringMatching(/^run 1 of office at [^ ]+ \(cron .*\): scan 1 interrupted, 1 devices, 1 flagged; changes: 1 new, 0 reopened, 0 gone; no channel configured; /),
      'daemon stopped',
    ]);
    await Promise.all([store.close(), schedules.close()]);
  }, 60_000);

  it('closes the run of a predecessor that died mid-run as abandoned, and does not run its slot again', async () => {
    const { store, schedules } = await setup('*/2 * * * * *');
    const dead: Owner = { token: 'dead', pid: spawnSync(process.execPath, ['-e', '']).pid!, start: null, host: hostname() };
    const slot = new Date(Math.floor(Date.now() / 2000) * 2000).toISOString(); // the slot due now
    await schedules.acquireLock({ schedule: 'office', site: SITE }, dead, new Date(), 30_000, () => false);
    await schedules.startRun({ schedule: 'office', site: SITE, trigger: 'cron', slot: { at: slot, after: null }, owner: dead, at: new Date().toISOString() });
    const scanner = fakeScanner(store, [[camera]], 50);
    const stop = new AbortController();
    const log: string[] = [];
    const running = daemon(store, schedules, scanner, stop.signal, log);
    await until('a run after the dead one', async () => (await schedules.listRuns()).some((r) => r.status === 'complete'));
    stop.abort();
    await running;

    const runs = (await schedules.listRuns()).reverse();
    expect(runs[0]).toMatchObject({ slot, status: 'abandoned', pid: dead.pid });
    expect(runs.filter((r) => r.slot === slot)).toHaveLength(1);
    expect(runs.slice(1).every((r) => r.slot! > slot)).toBe(true);
    expect(log).toContain(`schedule office: pid ${dead.pid} on ${hostname()} died while running it; its run is marked abandoned and its slot is not run again`);
    expect(log.filter((l) => /failed/.test(l))).toEqual([]);
    await Promise.all([store.close(), schedules.close()]);
  }, 60_000);
});
