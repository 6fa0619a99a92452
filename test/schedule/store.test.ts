// The ScheduleStore's two guarantees on both backends, with two connections (two daemons): a slot is
// claimed once, and a schedule has one owner at a time, taken over only from a dead or silent one.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownerIsDead } from '../../src/schedule/owner.js';
import type { Owner } from '../../src/schedule/types.js';
import type { ScheduleStore } from '../../src/store/schedule-store.js';
import { openPostgresScheduleStore } from '../../src/store/pg-schedules.js';
import { openSqliteScheduleStore } from '../../src/store/sqlite-schedules.js';
import { usePg } from '../pg/cluster.js';
import { useTempDir } from '../store/temp.js';

const newDir = useTempDir();
const T0 = new Date('2026-05-01T03:00:00.000Z');
const TTL = 60_000;

const aSchedule = (name = 'office') => ({
  name,
  cron: '0 3 * * *',
  timezone: 'Europe/Berlin',
  targets: ['198.18.0.0/24'],
  settings: { sweep: 'auto' as const, nmapPath: 'nmap', timeout: 1000, policy: ['us-fcc-covered-list'] },
  channels: [{ kind: 'webhook' as const, url: 'http://127.0.0.1:9/hook', secretFile: '/etc/camaudit/hook.key', format: 'json' as const }],
  createdAt: '2026-04-30T12:00:00.000Z',
});

/** A pid that existed and has exited: what a SIGKILLed daemon leaves behind. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

const me: Owner = { token: 'a', pid: process.pid, start: null, host: 'this-host' };
const other: Owner = { token: 'b', pid: process.pid, start: null, host: 'this-host' };
const alive = () => false;
/** The schedule at one site: what its locks and slot claims belong to. */
const OFFICE = { schedule: 'office', site: 'hq' };

// Both backends: two connections to one SQLite file, or to one PostgreSQL database.
const pg = usePg();
const BACKENDS = [
  { name: 'sqlite', location: () => join(newDir(), 'camaudit.db'), open: (path: string) => openSqliteScheduleStore(path) },
  { name: 'postgres', location: () => pg.freshDatabase(), open: openPostgresScheduleStore },
];

describe.each(BACKENDS)('$name schedule store', (backend) => {
  async function twoConnections(): Promise<[ScheduleStore, ScheduleStore]> {
    const where = backend.location();
    const a = await backend.open(where);
    const b = await backend.open(where);
    return [a, b];
  }

  describe('schedules', () => {
    it('are stored with their settings and channels, and a name is taken once', async () => {
      const [a, b] = await twoConnections();
      expect(await a.addSchedule(aSchedule())).toBe(true);
      expect(await b.addSchedule({ ...aSchedule(), cron: '* * * * *' })).toBe(false);
      expect(await b.getSchedule('office')).toEqual({ ...aSchedule(), lastSlot: null });
      expect((await a.listSchedules()).map((s) => s.name)).toEqual(['office']);
      expect(await a.removeSchedule('office')).toBe(true);
      expect(await a.removeSchedule('office')).toBe(false);
      await Promise.all([a.close(), b.close()]);
    });
  });

  describe('startRun', () => {
    it('claims a slot once: the second daemon computing the same slot gets null', async () => {
      const [a, b] = await twoConnections();
      await a.addSchedule(aSchedule());
      const slot = { at: '2026-05-01T01:00:00.000Z', after: null };
      const first = await a.startRun({ ...OFFICE, trigger: 'cron', slot, owner: me, at: T0.toISOString() });
      const second = await b.startRun({ ...OFFICE, trigger: 'cron', slot, owner: other, at: T0.toISOString() });
      expect(first).toBeTypeOf('number');
      expect(second).toBeNull();
      expect((await b.getSchedule('office'))!.lastSlot).toBe(slot.at);
      expect(await b.listRuns({ schedule: 'office' })).toHaveLength(1);
      await Promise.all([a.close(), b.close()]);
    });

    it('claims a slot once per site: a schedule without a site runs at each site once', async () => {
      const [a, b] = await twoConnections();
      await a.addSchedule(aSchedule());
      const slot = { at: '2026-05-01T01:00:00.000Z', after: null };
      const claim = (db: ScheduleStore, site: string, owner: Owner) => db.startRun({ schedule: 'office', site, trigger: 'cron', slot, owner, at: T0.toISOString() });
      const berlin = [await claim(a, 'berlin', me), await claim(b, 'berlin', other)];
      const lyon = [await claim(b, 'lyon', other), await claim(a, 'lyon', me)];
      expect([berlin[0], lyon[0]].every((id) => typeof id === 'number')).toBe(true);
      expect([berlin[1], lyon[1]]).toEqual([null, null]);
      expect((await a.listRuns({ schedule: 'office' })).map((r) => [r.site, r.slot]).sort()).toEqual([
        ['berlin', slot.at],
        ['lyon', slot.at],
      ]);
      await Promise.all([a.close(), b.close()]);
    });

    it('keeps each site\'s last slot: another site\'s runs do not move it', async () => {
      const [a] = await twoConnections();
      await a.addSchedule(aSchedule());
      const at = ['2026-05-01T01:00:00.000Z', '2026-05-02T01:00:00.000Z'];
      await a.startRun({ schedule: 'office', site: 'berlin', trigger: 'cron', slot: { at: at[0]!, after: null }, owner: me, at: T0.toISOString() });
      await a.startRun({ schedule: 'office', site: 'lyon', trigger: 'cron', slot: { at: at[0]!, after: null }, owner: me, at: T0.toISOString() });
      await a.startRun({ schedule: 'office', site: 'berlin', trigger: 'cron', slot: { at: at[1]!, after: at[0]! }, owner: me, at: T0.toISOString() });
      const lastSlots = async (site?: string) => (await a.listSchedules(site)).map((s) => s.lastSlot);
      expect(await lastSlots('berlin')).toEqual([at[1]]);
      expect(await lastSlots('lyon')).toEqual([at[0]]);
      expect(await lastSlots('paris')).toEqual([null]); // never ran here: the latest due fire time runs
      expect(await lastSlots()).toEqual([at[1]]); // the latest any site ran, for listings
      expect((await a.getSchedule('office', 'lyon'))!.lastSlot).toBe(at[0]);
      // lyon computed its next slot from its own last one: a stale "after" loses.
      expect(await a.startRun({ schedule: 'office', site: 'lyon', trigger: 'cron', slot: { at: at[1]!, after: at[1]! }, owner: me, at: T0.toISOString() })).toBeNull();
      expect(await a.startRun({ schedule: 'office', site: 'lyon', trigger: 'cron', slot: { at: at[1]!, after: at[0]! }, owner: me, at: T0.toISOString() })).toBeTypeOf('number');
      await a.close();
    });

    it('refuses a second run row for one slot even when last_slot was moved back by hand', async () => {
      const [a] = await twoConnections();
      await a.addSchedule(aSchedule());
      const slot = { at: '2026-05-01T01:00:00.000Z', after: null };
      await a.startRun({ ...OFFICE, trigger: 'cron', slot, owner: me, at: T0.toISOString() });
      await a.startRun({ ...OFFICE, trigger: 'cron', slot: { at: '2026-05-02T01:00:00.000Z', after: slot.at }, owner: me, at: T0.toISOString() });
      await expect(a.startRun({ ...OFFICE, trigger: 'cron', slot: { at: slot.at, after: '2026-05-02T01:00:00.000Z' }, owner: me, at: T0.toISOString() })).rejects.toThrow(/UNIQUE|duplicate key/);
      await a.close();
    });

    it('records manual runs without touching the slot, and finishes a run once', async () => {
      const [a] = await twoConnections();
      await a.addSchedule(aSchedule());
      const id = (await a.startRun({ ...OFFICE, trigger: 'manual', owner: me, at: T0.toISOString() }))!;
      await a.finishRun(id, { status: 'complete', scanId: null, changes: { newFindings: 1, reopenedFindings: 0, disappeared: 2 }, error: null, at: T0.toISOString() });
      await a.finishRun(id, { status: 'failed', scanId: null, changes: null, error: 'late', at: T0.toISOString() });
      const [run] = await a.listRuns();
      expect(run).toMatchObject({ trigger: 'manual', slot: null, status: 'complete', changes: { newFindings: 1, reopenedFindings: 0, disappeared: 2 }, error: null });
      expect((await a.getSchedule('office'))!.lastSlot).toBeNull();
      await a.close();
    });
  });

  describe('schedule locks', () => {
    it('keep a live owner exclusive until its lock expires', async () => {
      const [a, b] = await twoConnections();
      await a.addSchedule(aSchedule());
      expect(await a.acquireLock(OFFICE, me, T0, TTL, alive)).toEqual({ acquired: true, stolenFrom: null });
      const busy = await b.acquireLock(OFFICE, other, new Date(T0.getTime() + TTL - 1), TTL, alive);
      expect(busy).toMatchObject({ acquired: false, holder: { token: 'a', pid: process.pid, host: 'this-host' } });
      expect(await a.renewLock(OFFICE, me, new Date(T0.getTime() + 30_000), TTL)).toBe(true);
      expect(await b.acquireLock(OFFICE, other, new Date(T0.getTime() + TTL + 1), TTL, alive)).toMatchObject({ acquired: false }); // renewed
      await Promise.all([a.close(), b.close()]);
    });

    it('are taken over from an owner that stopped renewing, which then learns it lost the lock', async () => {
      const [a, b] = await twoConnections();
      await a.addSchedule(aSchedule());
      await a.acquireLock(OFFICE, me, T0, TTL, alive);
      const later = new Date(T0.getTime() + TTL + 1);
      const r = await b.acquireLock(OFFICE, other, later, TTL, alive);
      expect(r).toMatchObject({ acquired: true, stolenFrom: { token: 'a' } });
      expect(await a.renewLock(OFFICE, me, later, TTL)).toBe(false);
      await a.releaseLock(OFFICE, me); // must not free the new owner's lock
      expect(await b.getLock(OFFICE)).toMatchObject({ token: 'b' });
      await Promise.all([a.close(), b.close()]);
    });

    it('are taken over at once from a dead owner on this host, whose unfinished run becomes abandoned', async () => {
      const [a, b] = await twoConnections();
      await a.addSchedule(aSchedule());
      const dead: Owner = { token: 'dead', pid: deadPid(), start: null, host: (await import('node:os')).hostname() };
      expect(ownerIsDead(dead)).toBe(true);
      await a.acquireLock(OFFICE, dead, T0, TTL, ownerIsDead);
      const runId = await a.startRun({ ...OFFICE, trigger: 'cron', slot: { at: T0.toISOString(), after: null }, owner: dead, at: T0.toISOString() });
      const r = await b.acquireLock(OFFICE, other, new Date(T0.getTime() + 1000), TTL, ownerIsDead);
      expect(r).toMatchObject({ acquired: true, stolenFrom: { token: 'dead', pid: dead.pid } });
      const [run] = await b.listRuns({ schedule: 'office' });
      expect(run).toMatchObject({ id: runId, status: 'abandoned', error: `pid ${dead.pid} on ${dead.host} exited during the run` });
      await Promise.all([a.close(), b.close()]);
    });

    it('are per site: one owner per site, and all of a schedule\'s holders listed', async () => {
      const [a, b] = await twoConnections();
      await a.addSchedule(aSchedule());
      const at = (site: string) => ({ schedule: 'office', site });
      expect(await a.acquireLock(at('berlin'), me, T0, TTL, alive)).toEqual({ acquired: true, stolenFrom: null });
      expect(await b.acquireLock(at('lyon'), other, T0, TTL, alive)).toEqual({ acquired: true, stolenFrom: null });
      expect(await b.acquireLock(at('berlin'), other, T0, TTL, alive)).toMatchObject({ acquired: false, holder: { token: 'a' } });
      expect((await b.locksOf('office')).map((h) => [h.site, h.token])).toEqual([
        ['berlin', 'a'],
        ['lyon', 'b'],
      ]);
      await a.releaseLock(at('lyon'), me); // not its lock
      expect(await a.getLock(at('lyon'))).toMatchObject({ token: 'b' });
      await Promise.all([a.close(), b.close()]);
    });

    it('tell a live process from a dead one, and a reused pid from its first owner', async () => {
      const { processStartTicks } = await import('../../src/lab/teardown.js');
      const host = (await import('node:os')).hostname();
      expect(ownerIsDead({ token: 'x', pid: process.pid, start: processStartTicks(process.pid), host })).toBe(false);
      expect(ownerIsDead({ token: 'x', pid: process.pid, start: '1', host })).toBe(true); // same pid, another start time
      expect(ownerIsDead({ token: 'x', pid: deadPid(), start: null, host: 'another-host' })).toBe(false); // only expiry tells
    });
  });

  describe('the alert outbox', () => {
    it('hands out due pending alerts oldest first and keeps their retry state', async () => {
      const [a] = await twoConnections();
      const channel = { kind: 'command' as const, command: 'true' };
      await a.enqueueAlerts([
        { deliveryId: 'd1', schedule: 'office', runId: null, channel, payload: '{"n":1}', at: '2026-05-01T03:00:00.000Z' },
        { deliveryId: 'd2', schedule: 'office', runId: null, channel, payload: '{"n":2}', at: '2026-05-01T03:00:01.000Z' },
      ]);
      const due = await a.dueAlerts(T0, 10);
      expect(due.map((x) => x.deliveryId)).toEqual(['d1']);
      await a.updateAlert(due[0]!.id, { status: 'pending', attempts: 1, nextAttemptAt: '2026-05-01T03:00:05.000Z', lastError: 'HTTP 500', deliveredAt: null });
      expect((await a.dueAlerts(new Date('2026-05-01T03:00:02.000Z'), 10)).map((x) => x.deliveryId)).toEqual(['d2']);
      expect((await a.dueAlerts(new Date('2026-05-01T03:00:05.000Z'), 10)).map((x) => [x.deliveryId, x.attempts, x.lastError])).toEqual([
        ['d2', 0, null],
        ['d1', 1, 'HTTP 500'],
      ]);
      expect(await a.alertCounts()).toEqual({ pending: 2, delivered: 0, failed: 0 });
      await a.close();
    });
  });
});
