import { describe, expect, it } from 'vitest';
import { createPacer } from '../../src/net/pace.js';

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
