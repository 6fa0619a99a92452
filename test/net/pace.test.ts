import { describe, expect, it } from 'vitest';
import { createPacer, DEFAULT_PACE } from '../../src/net/pace.js';

describe('pacer', () => {
  it('spaces probes at the configured rate', async () => {
    const pacer = createPacer({ rate: 50, perHost: 100 });
    const t0 = performance.now();
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const p = await pacer.acquire(`198.18.0.${i + 2}`);
        times.push(performance.now() - t0);
        p!.release();
      }),
    );
    // 30 probes at 50/s: the last leaves about 0.6 s after the first (less a burst of at most 100 ms).
    expect(Math.max(...times)).toBeGreaterThan(450);
    expect(Math.max(...times)).toBeLessThan(1200);
  });

  it('paces host discovery on a budget of its own, which a lower --rate caps', async () => {
    expect(createPacer().options).toMatchObject({ rate: DEFAULT_PACE.rate, sweepRate: DEFAULT_PACE.sweepRate });
    expect(createPacer({ rate: 20 }).options.sweepRate).toBe(20);
    expect(createPacer({ rate: 100_000 }).options.sweepRate).toBe(DEFAULT_PACE.sweepRate);
    const pacer = createPacer({ rate: 5, sweepRate: 1000 });
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) await pacer.sweep();
    await pacer.acquire('198.18.0.2'); // the probes' own budget is untouched by the sweep
    // 50 sweep packets at 1000/s take about 50 ms; at the probes' 5/s they would take 10 s.
    expect(performance.now() - t0).toBeLessThan(500);
    expect(performance.now() - t0).toBeGreaterThan(20);
  });

  it('keeps at most perHost exchanges in flight with one host, without holding up others', async () => {
    const pacer = createPacer({ rate: 10_000, perHost: 2 });
    const a1 = await pacer.acquire('198.18.0.11');
    const a2 = await pacer.acquire('198.18.0.11');
    let third = false;
    const a3 = pacer.acquire('198.18.0.11').then((p) => ((third = true), p));
    const other = await pacer.acquire('198.18.0.12'); // a busy host does not block the rest of the scan
    expect(other).not.toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBe(false);
    a1!.release();
    a1!.release(); // idempotent: a double release must not open two slots
    expect(await a3).not.toBeNull();
    let fourth = false;
    void pacer.acquire('198.18.0.11').then(() => (fourth = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(fourth).toBe(false);
    a2!.release();
    await new Promise((r) => setTimeout(r, 20));
    expect(fourth).toBe(true);
  });

  it('gives up waiting when the scan is aborted, and frees nothing it did not take', async () => {
    const pacer = createPacer({ rate: 10_000, perHost: 1 });
    const held = await pacer.acquire('198.18.0.11');
    const ac = new AbortController();
    const waiting = pacer.acquire('198.18.0.11', ac.signal);
    ac.abort();
    expect(await waiting).toBeNull();
    expect(await pacer.acquire('198.18.0.12', ac.signal)).toBeNull();
    held!.release();
    expect(await pacer.acquire('198.18.0.11')).not.toBeNull();
  });

  it('holds back a new on-link host once the neighbour budget is spent, and nothing else', async () => {
    const pacer = createPacer({ rate: 10_000, perHost: 10, neighbours: 2 });
    const ac = new AbortController();
    expect(await pacer.acquire('198.18.0.11', ac.signal, true)).not.toBeNull();
    expect(await pacer.acquire('198.18.0.12', ac.signal, true)).not.toBeNull();
    let third: unknown = 'waiting';
    const waiting = pacer.acquire('198.18.0.13', ac.signal, true).then((p) => (third = p));
    // Hosts already met, and hosts behind a router (no neighbour entry of ours), go ahead.
    expect(await pacer.acquire('198.18.0.11', ac.signal, true)).not.toBeNull();
    expect(await pacer.acquire('198.19.1.5', ac.signal, false)).not.toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    expect(third).toBe('waiting'); // for NEIGHBOUR_WINDOW_MS after the first
    ac.abort();
    await waiting;
    expect(third).toBeNull();
  });

  it('stops a rate wait on abort instead of sleeping it out', async () => {
    const pacer = createPacer({ rate: 1, perHost: 10 });
    await pacer.acquire(null); // at 1/s the next slot is a second away
    const ac = new AbortController();
    const t0 = Date.now();
    const p = pacer.acquire(null, ac.signal);
    setTimeout(() => ac.abort(), 50);
    expect(await p).toBeNull();
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('counts bytes per host against the budget for the whole scan', () => {
    const pacer = createPacer({ hostBytes: 1000 });
    expect(pacer.take('198.18.0.11', 600)).toBe(true);
    expect(pacer.take('198.18.0.11', 400)).toBe(true);
    expect(pacer.take('198.18.0.11', 1)).toBe(false);
    expect(pacer.take('198.18.0.12', 1000)).toBe(true);
  });
});
