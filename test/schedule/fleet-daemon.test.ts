// Daemons of a fleet on one PostgreSQL database: a schedule added without a site runs once per slot at every
// site, however many daemons of that site are up; one added with a site runs at that site only.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runDaemon } from '../../src/schedule/daemon.js';
import { DEFAULT_DELIVERY } from '../../src/schedule/deliver.js';
import type { Scanner } from '../../src/schedule/run.js';
import type { Schedule } from '../../src/schedule/types.js';
import { openPostgresScheduleStore } from '../../src/store/pg-schedules.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { aScanResult, hikvisionCamera } from '../store/builders.js';
import { usePg } from '../pg/cluster.js';

const pg = usePg();

const schedule = (name: string, site?: string) => ({
  name,
  cron: '* * * * * *', // every second
  timezone: 'UTC',
  targets: ['198.18.0.0/24'],
  settings: { sweep: 'auto' as const, nmapPath: 'nmap', timeout: 1000, ...(site === undefined ? {} : { site }) },
  channels: [],
  createdAt: new Date().toISOString(),
});

describe('daemons of several sites sharing one PostgreSQL database', () => {
  it('run a fleet schedule once per slot at each site, and a site\'s own schedule there only', async () => {
    const url = pg.freshDatabase();
    const setup = await openPostgresScheduleStore(url);
    await setup.addSchedule(schedule('fleet'));
    await setup.addSchedule(schedule('berlin-only', 'berlin'));
    const ran: { daemon: string; schedule: string; site: string | undefined }[] = [];
    const stop = new AbortController();
    // Two daemons at berlin and one at lyon, each with its own connections, as on three machines.
    const daemons = await Promise.all(
      ['berlin-1', 'berlin-2', 'lyon-1'].map(async (label) => {
        const site = label.split('-')[0]!;
        const store = await openPostgresStore(url);
        const schedules = await openPostgresScheduleStore(url);
        const scanner: Scanner = async (s: Schedule) => {
          ran.push({ daemon: label, schedule: s.name, site: s.settings.site });
          await new Promise((r) => setTimeout(r, 300));
          const base = aScanResult({ devices: [hikvisionCamera()] });
          return { scanId: await store.saveScan({ ...base, scan: { ...base.scan, site: s.settings.site } }), status: 'complete' };
        };
        const done = runDaemon({
          store,
          schedules,
          scanner,
          owner: { token: randomUUID(), pid: process.pid, start: null, host: hostname() },
          channels: [],
          lockTtlMs: 30_000,
          now: () => new Date(),
          log: () => undefined,
          signal: stop.signal,
          version: 'test',
          delivery: DEFAULT_DELIVERY,
          tickMs: 100,
          heartbeatMs: 1000,
          site,
        });
        return { done, close: async () => (await store.close(), await schedules.close()) };
      }),
    );
    try {
      // Three complete runs of each (schedule, site) pair.
      const enough = async () => {
        const done = (await setup.listRuns({ limit: 1000 })).filter((r) => r.status === 'complete');
        return ['fleet berlin', 'fleet lyon', 'berlin-only berlin'].every((k) => done.filter((r) => `${r.schedule} ${r.site}` === k).length >= 3);
      };
      for (let t = Date.now(); !(await enough()); await new Promise((r) => setTimeout(r, 100))) {
        if (Date.now() - t > 60_000) throw new Error('timed out waiting for three runs of each schedule at each site');
      }
    } finally {
      stop.abort();
      await Promise.all(daemons.map((d) => d.done));
      await Promise.all(daemons.map((d) => d.close()));
    }
    // Every daemon scanned its own site, and only berlin's daemons ran berlin's schedule.
    expect(ran.every((r) => r.site === r.daemon.split('-')[0])).toBe(true);
    expect(ran.filter((r) => r.schedule === 'berlin-only').every((r) => r.daemon.startsWith('berlin'))).toBe(true);
    expect(new Set(ran.filter((r) => r.schedule === 'fleet').map((r) => r.site))).toEqual(new Set(['berlin', 'lyon']));
    // Two berlin daemons raced for every berlin slot, yet each slot ran once there: one scan per run record.
    const runs = await setup.listRuns({ limit: 1000 });
    expect(ran.length).toBe(runs.length);
    const keys = runs.map((r) => `${r.schedule} ${r.site} ${r.slot}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(runs.filter((r) => r.schedule === 'fleet' && r.site === 'lyon').every((r) => r.slot !== null)).toBe(true);
    const store = await openPostgresStore(url);
    const scans = await store.listScans();
    expect(new Set(scans.map((s) => s.site))).toEqual(new Set(['berlin', 'lyon']));
    expect(scans.length).toBe(runs.filter((r) => r.scanId !== null).length);
    await store.close();
    await setup.close();
  }, 90_000);
});
