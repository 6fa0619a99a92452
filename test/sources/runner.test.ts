import { describe, expect, it } from 'vitest';
import { cidrRange, parseIpv4, parseTargets } from '../../src/core/targets.js';
import { createScope } from '../../src/net/scope.js';
import { runSources } from '../../src/sources/runner.js';
import type { DiscoverySource, SourceOptions } from '../../src/sources/types.js';

const scope = createScope(parseTargets(['198.18.0.0/24']), [
  { name: 'eth0', address: '198.18.0.1', prefix: 24, subnet: cidrRange(parseIpv4('198.18.0.1')!, 24), mac: null },
]);
const options: SourceOptions = {
  timeouts: { unicastMs: 100, multicastMs: 100, tcpMs: 100, sweepMs: 1000 },
  sweep: 'builtin',
  nmapPath: 'nmap',
  onvifCredentials: [],
};
const run = (sources: DiscoverySource[], signal = new AbortController().signal) => runSources(sources, { scope, signal, options });

const sweep = (ips: string[]): DiscoverySource => ({
  id: 'neighbours',
  summary: 'fake sweep',
  async run(ctx) {
    for (const ip of ips) ctx.emit('host.up', ip, 'test', `up ${ip}`);
    return { status: 'ok' };
  },
});

describe('runSources', () => {
  it('starts per-host probes as hosts appear and chains probes on the keys they emit', async () => {
    const probed: string[] = [];
    const unicast: DiscoverySource = {
      id: 'ws-discovery',
      summary: 'fake unicast',
      perHost: {
        trigger: 'live',
        async probe(host, ctx) {
          if (host.ip.endsWith('.11')) ctx.emit('wsd.xaddrs', host.ip, `http://${host.ip}/onvif/device_service`, 'xaddr');
          return { status: host.ip.endsWith('.11') ? 'ok' : 'no-reply' };
        },
      },
    };
    const onvif: DiscoverySource = {
      id: 'onvif',
      summary: 'fake onvif',
      perHost: {
        trigger: 'wsd.xaddrs',
        async probe(host) {
          probed.push(host.ip);
          return { status: 'ok' };
        },
      },
    };
    const r = await run([sweep(['198.18.0.11', '198.18.0.12']), unicast, onvif]);
    expect(probed).toEqual(['198.18.0.11']);
    const byId = Object.fromEntries(r.runs.map((x) => [x.source, x]));
    expect(byId['ws-discovery']).toMatchObject({ status: 'ok', counts: { ok: 1, 'no-reply': 1 } });
    expect(byId['onvif']).toMatchObject({ status: 'ok', counts: { ok: 1 } });
    expect(r.observations.map((o) => o.key).sort()).toEqual(['host.up', 'host.up', 'wsd.xaddrs']);
  });

  it('never probes, nor counts, the hosts a source ignores', async () => {
    const probed: string[] = [];
    const routedOnly: DiscoverySource = {
      id: 'sadp',
      summary: 'unicast beyond routers only',
      perHost: {
        trigger: 'live',
        ignores: (ip) => ip !== '198.18.0.12',
        async probe(host) {
          probed.push(host.ip);
          return { status: 'no-reply' };
        },
      },
    };
    const r = await run([sweep(['198.18.0.11', '198.18.0.12', '198.18.0.13']), routedOnly]);
    expect(probed).toEqual(['198.18.0.12']);
    expect(r.runs.find((x) => x.source === 'sadp')).toMatchObject({ status: 'no-reply', counts: { 'no-reply': 1 } });
  });

  it('drops and counts facts about addresses outside the targets, the scanner itself and broadcast', async () => {
    const r = await run([sweep(['198.18.0.11', '198.18.1.5', '198.18.0.1', '198.18.0.255', '8.8.8.8'])]);
    expect(r.observations.map((o) => o.ip)).toEqual(['198.18.0.11']);
    expect(r.runs[0]).toMatchObject({ observations: 1, dropped: 4 });
  });

  it('caps what one host can make us keep', async () => {
    const noisy: DiscoverySource = {
      id: 'ws-discovery',
      summary: 'noisy',
      async run(ctx) {
        for (let i = 0; i < 5000; i++) ctx.emit('onvif.scopes', '198.18.0.11', 'x'.repeat(10_000), 'scope');
        return { status: 'ok' };
      },
    };
    const r = await run([noisy]);
    expect(r.observations.length).toBe(400);
    expect(r.observations[0]!.value.length).toBe(4096);
    expect(r.runs[0]!.dropped).toBe(4600);
  });

  it('turns a throwing source into an error status without stopping the others', async () => {
    const broken: DiscoverySource = { id: 'onvif', summary: 'broken', run: async () => Promise.reject(new Error('boom')) };
    const r = await run([broken, sweep(['198.18.0.11'])]);
    expect(r.runs.find((x) => x.source === 'onvif')).toMatchObject({ status: 'error', error: 'boom' });
    expect(r.observations).toHaveLength(1);
  });

  it('stops scheduling probes once aborted and still returns what was seen', async () => {
    const ac = new AbortController();
    let started = 0;
    const slow: DiscoverySource = {
      id: 'ws-discovery',
      summary: 'slow',
      perHost: {
        trigger: 'live',
        async probe() {
          started++;
          ac.abort();
          return { status: 'skipped' };
        },
      },
    };
    const ips = Array.from({ length: 200 }, (_, i) => `198.18.0.${i + 2}`);
    const r = await runSources([sweep(ips), slow], { scope, signal: ac.signal, options, concurrency: 4 });
    expect(r.observations).toHaveLength(200);
    expect(started).toBeLessThanOrEqual(4);
  });

  it('returns within the grace period after an abort even when a source never does', async () => {
    const ac = new AbortController();
    let late: (() => void) | null = null;
    const stuck: DiscoverySource = {
      id: 'ws-discovery',
      summary: 'ignores its abort signal',
      run: (ctx) =>
        new Promise(() => {
          ctx.emit('host.up', '198.18.0.11', 'test', 'seen before the abort');
          late = () => ctx.emit('host.up', '198.18.0.12', 'test', 'seen after the runner gave up');
        }),
    };
    setTimeout(() => ac.abort(), 50);
    const t0 = Date.now();
    const r = await runSources([stuck], { scope, signal: ac.signal, options, graceMs: 200 });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.runs[0]).toMatchObject({ status: 'skipped', error: expect.stringMatching(/interrupted/) });
    late!();
    expect(r.observations.map((o) => o.ip)).toEqual(['198.18.0.11']); // the result is not changed behind the caller's back
  });

  it('notes protocol errors and timeouts as evidence on the device, not silence', async () => {
    const outcomes = { '198.18.0.11': 'protocol-error', '198.18.0.12': 'timeout', '198.18.0.13': 'no-reply' } as const;
    const probe: DiscoverySource = {
      id: 'onvif',
      summary: 'fake probe',
      perHost: {
        trigger: 'live',
        probe: async (host) => ({ status: outcomes[host.ip as keyof typeof outcomes], error: `what ${host.ip} did` }),
      },
    };
    const r = await run([sweep(Object.keys(outcomes)), probe]);
    const notes = r.observations.filter((o) => o.key.startsWith('probe.'));
    expect(notes.map((o) => [o.ip, o.key, o.detail])).toEqual([
      ['198.18.0.11', 'probe.protocol-error', 'reply refused: what 198.18.0.11 did'],
      ['198.18.0.12', 'probe.timeout', 'gave up waiting: what 198.18.0.12 did'],
    ]);
    expect(notes.every((o) => o.source === 'onvif')).toBe(true);
  });
});
