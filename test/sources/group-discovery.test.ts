// The sadp and dhip sources' unicast path on loopback (no namespace): a fake device on 127.0.0.2 and an
// impostor on 127.0.0.3, outside the targets. Real replies from test/fixtures; ports are the protocols' own.
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTargets } from '../../src/core/targets.js';
import { createScope } from '../../src/net/scope.js';
import { buildFrame, DHIP_PORT } from '../../src/protocols/dhip.js';
import { SADP_PORT } from '../../src/protocols/sadp.js';
import { dhipSource } from '../../src/sources/dhip.js';
import { sadpSource } from '../../src/sources/sadp.js';
import type { DiscoverySource, SourceContext } from '../../src/sources/types.js';

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
const DS_2385 = fixture('sadp/hikvision-ds-2cd2385g1-i-probematch.xml');
const HDW1431 = fixture('dhip/dahua-ipc-hdw1431t1-s4-notifydevinfo.json');
const DEVICE = '127.0.0.2';
const IMPOSTOR = '127.0.0.3';

const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

/** A UDP responder on ip:port that answers every datagram with `replies(probe)`, each from `from` (default ip). */
function responder(ip: string, port: number, replies: (probe: Buffer) => { data: Buffer; from?: Socket }[]): Promise<Socket> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    sockets.push(s);
    s.on('message', (probe, rinfo) => {
      for (const r of replies(probe)) (r.from ?? s).send(r.data, rinfo.port, rinfo.address);
    });
    s.bind(port, ip, () => resolve(s));
  });
}

function bound(ip: string): Promise<Socket> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    sockets.push(s);
    s.bind(0, ip, () => resolve(s));
  });
}

function context() {
  const emitted: { key: string; ip: string; value: string; detail: string }[] = [];
  const dropped: string[] = [];
  const ctx: SourceContext = {
    scope: createScope(parseTargets([DEVICE]), []),
    signal: new AbortController().signal,
    options: { timeouts: { unicastMs: 400, multicastMs: 400, tcpMs: 400, sweepMs: 1000 }, sweep: 'builtin', nmapPath: 'nmap', onvifCredentials: [] },
    emit: (key, ip, value, detail) => void emitted.push({ key, ip, value, detail }),
    drop: (why) => void dropped.push(why),
    progress: () => undefined,
  };
  return { ctx, emitted, dropped };
}

const probe = (source: DiscoverySource, ctx: SourceContext) => source.perHost!.probe({ ip: DEVICE, observations: () => [] }, ctx);

describe('sadp source (unicast)', () => {
  it('emits the reply for the address it came from, records the address it states, and drops an impostor outside the targets', async () => {
    const impostor = await bound(IMPOSTOR);
    await responder(DEVICE, SADP_PORT, (p) => {
      const uuid = /<Uuid>([^<]+)<\/Uuid>/.exec(p.toString())![1]!;
      const reply = Buffer.from(DS_2385.replace('e8ecfe09-90e4-44c0-842b-703f46b58c81', uuid));
      return [{ data: reply, from: impostor }, { data: Buffer.from('<Hello/>') }, { data: reply }];
    });
    const { ctx, emitted, dropped } = context();
    expect(await probe(sadpSource, ctx)).toEqual({ status: 'ok' });
    expect(new Set(emitted.map((e) => e.ip))).toEqual(new Set([DEVICE]));
    expect(Object.fromEntries(emitted.map((e) => [e.key, e.value]))).toMatchObject({
      'sadp.types': 'inquiry',
      'sadp.description': 'DS-2CD2385G1-I',
      'sadp.mac': '58-50-ed-1f-e3-85',
      'sadp.oem': 'DetailOEMCode=1',
      'sadp.stated-ip': '192.168.124.40',
    });
    expect(emitted.find((e) => e.key === 'sadp.stated-ip')!.detail).toMatch(/192\.168\.124\.40 \(outside the targets: not probed\)/);
    expect(dropped).toEqual([`unicast reply from ${IMPOSTOR}, not ${DEVICE}`, `SADP from ${DEVICE}: SADP message <Hello> is not a ProbeMatch`]);
  });

  it('reports a device that answers only nonsense as a protocol error, silence as no reply, and a closed port as refused', async () => {
    await responder(DEVICE, SADP_PORT, () => [{ data: Buffer.from('<ProbeMatch><Types>inquiry</Types>') }]);
    const bad = context();
    expect(await probe(sadpSource, bad.ctx)).toEqual({ status: 'protocol-error' });
    expect(bad.emitted).toEqual([]);
    sockets.splice(0).forEach((s) => s.close());
    await responder(DEVICE, SADP_PORT, () => []);
    const quiet = context();
    expect(await probe(sadpSource, quiet.ctx)).toEqual({ status: 'no-reply' });
    sockets.splice(0).forEach((s) => s.close());
    const closed = context();
    const t0 = performance.now();
    expect(await probe(sadpSource, closed.ctx)).toEqual({ status: 'refused' });
    expect(performance.now() - t0).toBeLessThan(200); // the port unreachable, not the 400 ms deadline
  });
});

describe('dhip source (unicast)', () => {
  it('sends the DHIP search and reads the real reply', async () => {
    const seen: string[] = [];
    await responder(DEVICE, DHIP_PORT, (p) => {
      seen.push(p.toString('utf8', 32));
      return [{ data: buildFrame(`${HDW1431}\n\0`) }];
    });
    const { ctx, emitted } = context();
    expect(await probe(dhipSource, ctx)).toEqual({ status: 'ok' });
    expect(seen).toEqual(['{ "method" : "DHDiscover.search", "params" : { "mac" : "", "uni" : 1 } }\n']);
    expect(Object.fromEntries(emitted.map((e) => [e.key, e.value]))).toEqual({
      'dhip.method': 'client.notifyDevInfo',
      'dhip.device-class': 'IPC',
      'dhip.device-type': 'IPC-HDW1431T1-S4',
      'dhip.vendor': 'Private',
      'dhip.serial': '6C01E93PAG69A7D',
      'dhip.mac': '08:ed:ed:87:42:7a',
      'dhip.version': '2.800.0000000.13.R',
      'dhip.stated-ip': '192.168.124.17',
    });
    // Answered once per scan: a second probe in the same scan sends nothing.
    expect(await probe(dhipSource, ctx)).toEqual({ status: 'ok' });
    expect(seen).toHaveLength(1);
  });
});
