// tcpExchange against small servers on 127.0.0.1: every way a port can answer, stall or flood ends within
// its deadline and cap, with the status a source reports.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ScopeError } from '../../src/core/errors.js';
import { parseTargets } from '../../src/core/targets.js';
import { createScope } from '../../src/net/scope.js';
import { tcpExchange } from '../../src/net/tcp-exchange.js';

const scope = createScope(parseTargets(['127.0.0.1/32']), []);
const servers: Server[] = [];
const sockets = new Set<Socket>();
const close = (s: Server) => new Promise<void>((r) => s.close(() => r()));
afterEach(async () => {
  sockets.forEach((s) => s.destroy());
  await Promise.all(servers.splice(0).map(close));
});

async function serve(onConnection: (sock: Socket) => void): Promise<number> {
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
    onConnection(sock);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  servers.push(server);
  return (server.address() as { port: number }).port;
}

const base = { ip: '127.0.0.1', request: 'PING\r\n\r\n', totalMs: 800, connectMs: 300, idleMs: 600 };
const crlf2 = (b: Buffer) => b.includes('\r\n\r\n');

describe('tcpExchange', () => {
  it('returns as soon as the answer is complete, without waiting for the peer to close', async () => {
    const port = await serve((s) => s.once('data', () => s.write('RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n')));
    const t0 = Date.now();
    const r = await tcpExchange(scope, { ...base, port, complete: crlf2 });
    expect(r).toMatchObject({ status: 'ok', truncated: false });
    expect(r.status === 'ok' && r.data.toString()).toBe('RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n');
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('takes what arrived when the peer closes', async () => {
    const port = await serve((s) => s.once('data', () => s.end('partial')));
    expect(await tcpExchange(scope, { ...base, port, complete: crlf2 })).toMatchObject({ status: 'ok', data: Buffer.from('partial') });
  });

  it('reports a closed port as refused, and a silent accept-then-close as a protocol error', async () => {
    const closed = await serve(() => undefined);
    await close(servers.pop()!);
    expect(await tcpExchange(scope, { ...base, port: closed })).toMatchObject({ status: 'refused' });
    const hangup = await serve((s) => s.end());
    expect(await tcpExchange(scope, { ...base, port: hangup })).toMatchObject({ status: 'protocol-error' });
  });

  it('gives up on a tarpit within its deadline', async () => {
    const port = await serve((s) => {
      const t = setInterval(() => s.write('x'), 100); // never idle, never complete
      s.on('close', () => clearInterval(t));
    });
    const t0 = Date.now();
    expect(await tcpExchange(scope, { ...base, port, complete: crlf2 })).toMatchObject({ status: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('stops reading at the byte cap', async () => {
    const port = await serve((s) => s.once('data', () => s.write(Buffer.alloc(200_000, 0x41))));
    const r = await tcpExchange(scope, { ...base, port, maxBytes: 1000, complete: crlf2 });
    expect(r).toMatchObject({ status: 'ok', truncated: true });
    expect(r.status === 'ok' && r.data.length).toBe(1000);
  });

  it("stops reading once the host's byte budget for the scan is spent", async () => {
    const tight = createScope(parseTargets(['127.0.0.1/32']), [], { pace: { hostBytes: 500 } });
    const port = await serve((s) => s.once('data', () => s.write(Buffer.alloc(5000, 0x41))));
    expect(await tcpExchange(tight, { ...base, port, complete: crlf2 })).toMatchObject({ status: 'protocol-error', error: expect.stringMatching(/byte budget/) });
  });

  it('stops when the scan is aborted, and never connects outside the targets', async () => {
    const port = await serve(() => undefined);
    const ac = new AbortController();
    const pending = tcpExchange(scope, { ...base, port, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect(await pending).toMatchObject({ status: 'skipped' });
    await expect(tcpExchange(scope, { ...base, ip: '127.0.0.2', port })).rejects.toBeInstanceOf(ScopeError);
  });
});
