// UDP probes on loopback: replies as hostile input (oversized, flooding and over-budget datagrams are dropped and
// counted), and a closed port ending the probe at once while a silent one costs the whole deadline.
import * as dgram from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTargets } from '../../src/core/targets.js';
import { createScope } from '../../src/net/scope.js';
import { udpProbe } from '../../src/net/udp.js';

const sockets: dgram.Socket[] = [];
afterAll(() => sockets.forEach((s) => s.close()));

/** A socket bound on 127.0.0.x that never answers (closed after the tests). */
async function bound(host: string): Promise<dgram.Socket> {
  const sock = dgram.createSocket('udp4');
  sockets.push(sock);
  await new Promise<void>((r) => sock.bind(0, host, r));
  return sock;
}

/** A UDP responder on 127.0.0.x that answers each datagram with `replies`. */
async function responder(host: string, replies: readonly Buffer[]): Promise<number> {
  const sock = await bound(host);
  sock.on('message', (_m, rinfo) => replies.forEach((r) => sock.send(r, rinfo.port, rinfo.address)));
  return sock.address().port;
}

/** A port on `host` that nothing listens on (bound once to learn it, then closed). */
async function freePort(host: string): Promise<number> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, host, r));
  const { port } = sock.address();
  await new Promise<void>((r) => sock.close(() => r()));
  return port;
}

describe('udpProbe', () => {
  it('drops and reports replies over the size cap or past the sender’s byte budget', async () => {
    const port = await responder('127.0.0.2', [Buffer.alloc(2000, 1), Buffer.alloc(500, 2), Buffer.alloc(500, 3), Buffer.alloc(500, 4)]);
    const scope = createScope(parseTargets(['127.0.0.0/29']), [], { pace: { hostBytes: 1000 } });
    const kept: number[] = [];
    const dropped: string[] = [];
    const r = await udpProbe(scope, {
      to: '127.0.0.2',
      port,
      payload: Buffer.from('probe'),
      timeoutMs: 300,
      maxBytes: 1024,
      onReply: ({ data }) => void kept.push(data[0]!),
      onDrop: (why) => dropped.push(why),
    });
    expect(r).toMatchObject({ status: 'ok', replies: 2 });
    expect(kept).toEqual([2, 3]);
    expect(dropped).toHaveLength(2);
    expect(dropped[0]).toMatch(/2000-byte reply from 127\.0\.0\.2, over the 1024-byte cap/);
    expect(dropped[1]).toMatch(/past its byte budget/);
  });

  it('ends at once as refused when nothing listens on the port (ICMP port unreachable)', async () => {
    const closed = await freePort('127.0.0.2');
    const scope = createScope(parseTargets(['127.0.0.0/29']), []);
    const t0 = performance.now();
    const r = await udpProbe(scope, { to: '127.0.0.2', port: closed, payload: Buffer.from('probe'), timeoutMs: 3000, onReply: () => {} });
    expect(r).toEqual({ status: 'refused', replies: 0 });
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('still waits out the deadline for a port that is open but silent', async () => {
    const silent = await bound('127.0.0.2');
    const scope = createScope(parseTargets(['127.0.0.0/29']), []);
    const t0 = performance.now();
    const r = await udpProbe(scope, { to: '127.0.0.2', port: silent.address().port, payload: Buffer.from('probe'), timeoutMs: 300, onReply: () => {} });
    expect(r).toEqual({ status: 'ok', replies: 0 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('hears a reply from the probed port and one sent from another port, and closes every socket it opened', async () => {
    const other = await bound('127.0.0.2');
    const device = await bound('127.0.0.2');
    device.on('message', (_m, rinfo) => {
      device.send('direct', rinfo.port, rinfo.address);
      other.send('aside', rinfo.port, rinfo.address);
    });
    // A closed socket leaves the list a few turns of the loop later; earlier tests' probes may still be closing theirs.
    const udpHandles = async () => {
      await new Promise((r) => setTimeout(r, 50));
      return process.getActiveResourcesInfo().filter((k) => k === 'UDPWrap').length;
    };
    const before = await udpHandles();
    const scope = createScope(parseTargets(['127.0.0.0/29']), []);
    const heard: { text: string; port: number }[] = [];
    const r = await udpProbe(scope, {
      to: '127.0.0.2',
      port: device.address().port,
      payload: Buffer.from('probe'),
      timeoutMs: 300,
      onReply: ({ data, port }) => void heard.push({ text: data.toString(), port }),
    });
    expect(r).toEqual({ status: 'ok', replies: 2 });
    expect(heard).toEqual(
      expect.arrayContaining([
        { text: 'direct', port: device.address().port },
        { text: 'aside', port: other.address().port },
      ]),
    );
    expect(await udpHandles()).toBe(before);
  });

  it('keeps a reply that arrived before the deadline while the event loop was busy', async () => {
    const device = await bound('127.0.0.2');
    device.on('message', (_m, rinfo) => {
      device.send('late to be read', rinfo.port, rinfo.address);
      const until = performance.now() + 250; // the scan's thread busy past the deadline, the reply unread in the socket
      while (performance.now() < until);
    });
    const scope = createScope(parseTargets(['127.0.0.0/29']), []);
    const heard: string[] = [];
    const r = await udpProbe(scope, { to: '127.0.0.2', port: device.address().port, payload: Buffer.from('probe'), timeoutMs: 100, onReply: ({ data }) => void heard.push(data.toString()) });
    expect(r).toEqual({ status: 'ok', replies: 1 });
    expect(heard).toEqual(['late to be read']);
  });

  it('refuses a destination outside the targets without sending', async () => {
    const scope = createScope(parseTargets(['127.0.0.0/29']), []);
    await expect(udpProbe(scope, { to: '127.0.0.9', port: 9, payload: Buffer.alloc(0), timeoutMs: 10, onReply: () => {} })).rejects.toThrow(
      /outside the scan targets/,
    );
  });

  it('returns skipped at once when the scan is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const scope = createScope(parseTargets(['127.0.0.0/29']), []);
    const r = await udpProbe(scope, { to: '127.0.0.2', port: 9, payload: Buffer.alloc(0), timeoutMs: 5000, onReply: () => {}, signal: ac.signal });
    expect(r.status).toBe('skipped');
  });
});
