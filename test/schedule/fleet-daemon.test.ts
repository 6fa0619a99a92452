// Daemons of a fleet on one PostgreSQL database: each site's daemons run that site's schedules only, and a
// slot of a schedule runs once however many daemons of its site are up.
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

const schedule = (site: string) => ({
  name: `nightly@${site}`,
  cron: '* * * * * *', // every second
  timezone: 'UTC',
  targets: ['198.18.0.0/24'],
  settings: { sweep: 'auto' as const, nmapPath: 'nmap', timeout: 1000, site },
  channels: [],
  createdAt: new Date().toISOString(),
});

describe('daemons of several sites sharing one PostgreSQL database', () => {
  it('run each site\'s schedules at that site only, each slot once', async () => {
    const url = pg.freshDatabase();
    const setup = await openPostgresScheduleStore(url);
    await setup.addSchedule(schedule('berlin'));
    await setup.addSchedule(schedule('lyon'));
    const ran: { daemon: string; schedule: string }[] = [];
    const stop = new AbortController();
    // Two daemons at berlin and one at lyon, each with its own connections, as on three machines.
    const daemons = await Promise.all(
      ['berlin-1', 'berlin-2', 'lyon-1'].map(async (label) => {
        const site = label.split('-')[0]!;
        const store = await openPostgresStore(url);
        const schedules = await openPostgresScheduleStore(url);
        const scanner: Scanner = async (s: Schedule) => {
          ran.push({ daemon: label, schedule: s.name });
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
      const enough = async () => (await setup.listRuns()).filter((r) => r.status === 'complete').length >= 6;
      for (let t = Date.now(); !(await enough()); await new Promise((r) => setTimeout(r, 100))) {
        if (Date.now() - t > 45_000) throw new Error('timed out waiting for six runs');
      }
    } finally {
      stop.abort();
      await Promise.all(daemons.map((d) => d.done));
      await Promise.all(daemons.map((d) => d.close()));
    }
    expect(ran.filter((r) => r.schedule === 'nightly@berlin').every((r) => r.daemon.startsWith('berlin'))).toBe(true);
    expect(ran.filter((r) => r.schedule === 'nightly@lyon').every((r) => r.daemon === 'lyon-1')).toBe(true);
    expect(new Set(ran.map((r) => r.schedule))).toEqual(new Set(['nightly@berlin', 'nightly@lyon']));
    for (const name of ['nightly@berlin', 'nightly@lyon']) {
      const slots = (await setup.listRuns({ schedule: name })).map((r) => r.slot);
      expect(new Set(slots).size).toBe(slots.length);
    }
    const store = await openPostgresStore(url);
    expect(new Set((await store.listScans()).map((s) => s.site))).toEqual(new Set(['berlin', 'lyon']));
    await store.close();
    await setup.close();
  }, 90_000);
});
