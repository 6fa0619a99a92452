// UDP replies as hostile input, on loopback: oversized, flooding and over-budget datagrams are dropped and counted.
import * as dgram from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTargets } from '../../src/core/targets.js';
import { createScope } from '../../src/net/scope.js';
import { udpProbe } from '../../src/net/udp.js';

const sockets: dgram.Socket[] = [];
afterAll(() => sockets.forEach((s) => s.close()));

/** A UDP responder on 127.0.0.x that answers each datagram with `replies`. */
async function responder(host: string, replies: readonly Buffer[]): Promise<number> {
  const sock = dgram.createSocket('udp4');
  sockets.push(sock);
  sock.on('message', (_m, rinfo) => replies.forEach((r) => sock.send(r, rinfo.port, rinfo.address)));
  await new Promise<void>((r) => sock.bind(0, host, r));
  return sock.address().port;
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
