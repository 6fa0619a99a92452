// When schedules run, driven by a fake clock: each step asks dueSlot() what a daemon tick at that instant
// would run and claims it, exactly as the daemon does (lastSlot = the slot run).
import { describe, expect, it } from 'vitest';
import { cronProblem, dueSlot, nextSlot } from '../../src/schedule/cron.js';

interface Timing {
  cron: string;
  timezone: string;
  createdAt: string;
  lastSlot: string | null;
}

/** Ticks from `from` to `to` every `stepMs`; returns the slots run (ISO) and the instants they ran at. */
function simulate(cron: string, timezone: string, from: string, to: string, stepMs = 60_000) {
  const s: Timing = { cron, timezone, createdAt: from, lastSlot: null };
  const runs: { slot: string; at: string; coalesced: number }[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += stepMs) {
    const due = dueSlot(s, new Date(t));
    if (!due) continue;
    runs.push({ slot: due.slot.toISOString(), at: new Date(t).toISOString(), coalesced: due.coalesced });
    s.lastSlot = due.slot.toISOString();
  }
  return runs;
}

describe('cronProblem', () => {
  it.each([
    ['61 * * * *', 'UTC', /invalid cron expression "61 \* \* \* \*".*minute/],
    ['* * * *', 'UTC', /invalid cron expression/],
    ['0 0 0 1 1 * 2030', 'UTC', /invalid cron expression.*7 parts/], // years are refused: a schedule that ends is a surprise
    ['0 0 30 2 *', 'UTC', /never fires/],
    ['0 3 * * *', 'Mars/Olympus_Mons', /unknown time zone "Mars\/Olympus_Mons"/],
  ])('refuses %j in %s, naming the bad value', (expr, tz, message) => {
    expect(cronProblem(expr, tz)).toMatch(message);
  });

  it.each([['0 3 * * *'], ['*/3 * * * * *'], ['@daily'], ['30 7 * * MON-FRI']])('accepts %j', (expr) => {
    expect(cronProblem(expr, 'Europe/Berlin')).toBeNull();
  });
});

describe('dueSlot with a fake clock', () => {
  const nightly = { cron: '0 3 * * *', timezone: 'UTC', createdAt: '2026-05-01T12:00:00.000Z', lastSlot: null };

  it('is not due before the first fire time after creation, and is at that instant', () => {
    expect(dueSlot(nightly, new Date('2026-05-02T02:59:59.999Z'))).toBeNull();
    expect(dueSlot(nightly, new Date('2026-05-02T03:00:00.000Z'))).toEqual({ slot: new Date('2026-05-02T03:00:00.000Z'), coalesced: 0 });
  });

  it('is not due again for a slot already run', () => {
    const ran = { ...nightly, lastSlot: '2026-05-02T03:00:00.000Z' };
    expect(dueSlot(ran, new Date('2026-05-02T03:00:30.000Z'))).toBeNull();
    expect(nextSlot(ran)).toEqual(new Date('2026-05-03T03:00:00.000Z'));
  });

  it('folds the fire times missed while the daemon was down into one run for the latest of them', () => {
    const hourly = { cron: '0 * * * *', timezone: 'UTC', createdAt: '2026-05-01T00:00:00.000Z', lastSlot: '2026-05-01T10:00:00.000Z' };
    expect(dueSlot(hourly, new Date('2026-05-01T15:20:00.000Z'))).toEqual({ slot: new Date('2026-05-01T15:00:00.000Z'), coalesced: 4 });
  });

  it('runs a six-field (seconds) expression every few seconds, once per slot', () => {
    const runs = simulate('*/3 * * * * *', 'UTC', '2026-05-01T00:00:00.500Z', '2026-05-01T00:00:10.000Z', 250);
    expect(runs.map((r) => r.slot)).toEqual(['2026-05-01T00:00:03.000Z', '2026-05-01T00:00:06.000Z', '2026-05-01T00:00:09.000Z']);
  });
});

describe('DST changes (Europe/Berlin: 29 March 2026 02:00 → 03:00, 25 October 2026 03:00 → 02:00)', () => {
  it('spring forward: a fixed time inside the gap (02:30) runs once, at 03:00 CEST, and on the days around it as usual', () => {
    const runs = simulate('30 2 * * *', 'Europe/Berlin', '2026-03-27T12:00:00Z', '2026-03-31T12:00:00Z');
    expect(runs.map((r) => r.slot)).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 02:30 does not exist: the first valid time after the gap, 03:00 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  it('fall back: a fixed time in the repeated hour (02:30) runs once, not twice', () => {
    const runs = simulate('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z');
    expect(runs.map((r) => r.slot)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('an interval job keeps real-time spacing through both changes', () => {
    const spring = simulate('*/30 * * * *', 'Europe/Berlin', '2026-03-29T00:10:00Z', '2026-03-29T01:50:00Z').map((r) => r.slot);
    expect(spring).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z']); // 01:30 CET, 03:00 CEST, 03:30 CEST
    const fall = simulate('*/30 * * * *', 'Europe/Berlin', '2026-10-25T00:10:00Z', '2026-10-25T01:50:00Z').map((r) => r.slot);
    expect(fall).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T01:30:00.000Z']); // 02:30 CEST, 02:00 CET, 02:30 CET
  });

  it('a daily job keeps its local time across the change (UTC offset moves by an hour)', () => {
    const runs = simulate('0 9 * * *', 'America/New_York', '2026-03-06T00:00:00Z', '2026-03-10T00:00:00Z', 5 * 60_000);
    expect(runs.map((r) => r.slot)).toEqual(['2026-03-06T14:00:00.000Z', '2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z']);
  });

  it('a daemon down across the gap runs the missed fixed-time job once when it comes back', () => {
    const s = { cron: '30 2 * * *', timezone: 'Europe/Berlin', createdAt: '2026-03-27T12:00:00Z', lastSlot: '2026-03-28T01:30:00.000Z' };
    expect(dueSlot(s, new Date('2026-03-29T09:00:00Z'))).toEqual({ slot: new Date('2026-03-29T01:00:00.000Z'), coalesced: 0 });
  });
});
