// Hostile web servers on loopback: what each may cost a scan. Loopback only (127.0.0.0/8), no namespace needed.
import * as net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTargets } from '../../src/core/targets.js';
import { httpRequest } from '../../src/net/http.js';
import { createScope } from '../../src/net/scope.js';

const servers: net.Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** A raw TCP server on 127.0.0.x that runs `onConnection` for each client; resolves its port. */
async function serve(host: string, onConnection: (sock: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    onConnection(sock);
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  const close = server.close.bind(server);
  server.close = (cb) => (sockets.forEach((s) => s.destroy()), close(cb));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, host, r));
  return (server.address() as net.AddressInfo).port;
}

const scope = () => createScope(parseTargets(['127.0.0.0/29']), []);
const get = (ip: string, port: number, extra: { totalMs?: number; idleMs?: number; maxBytes?: number } = {}, s = scope()) =>
  httpRequest(s, { ip, port, path: '/', totalMs: extra.totalMs ?? 1500, idleMs: extra.idleMs ?? 400, ...(extra.maxBytes ? { maxBytes: extra.maxBytes } : {}) });

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await p;
  return { value, ms: Date.now() - t0 };
}

const HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n';

describe('httpRequest against hostile servers', () => {
  it('a tarpit (accepts, never answers) costs the idle deadline', async () => {
    const port = await serve('127.0.0.1', () => {});
    const { value, ms } = await timed(get('127.0.0.1', port, { idleMs: 300 }));
    expect(value).toMatchObject({ status: 'timeout', error: 'idle for 300 ms' });
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(1000);
  });

  it('a byte-dripper (one byte at a time, never idle) costs the total deadline', async () => {
    const reply = `${HEAD}Content-Length: 100000\r\n\r\n${'x'.repeat(100_000)}`;
    const port = await serve('127.0.0.1', (sock) => {
      let i = 0;
      const t = setInterval(() => (i < reply.length ? sock.write(reply[i++]!) : clearInterval(t)), 50);
      sock.on('close', () => clearInterval(t));
    });
    const { value, ms } = await timed(get('127.0.0.1', port, { totalMs: 1000, idleMs: 400 }));
    expect(value).toMatchObject({ status: 'timeout', error: 'no complete answer within 1000 ms' });
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(1600);
  });

  it('a 20 MB body is cut at the byte cap, and the connection is dropped', async () => {
    let written = 0;
    const port = await serve('127.0.0.1', (sock) => {
      sock.write(`${HEAD}Content-Length: ${20 * 1024 * 1024}\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      const pump = () => {
        while (written < 20 * 1024 * 1024 && !sock.destroyed) {
          written += chunk.length;
          if (!sock.write(chunk)) return void sock.once('drain', pump);
        }
      };
      pump();
    });
    const { value, ms } = await timed(get('127.0.0.1', port, { maxBytes: 256 * 1024 }));
    expect(value.status).toBe('ok');
    if (value.status !== 'ok') return;
    expect(value.response.truncated).toBe(true);
    expect(value.response.body.length).toBe(256 * 1024);
    expect(ms).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 100));
    expect(written).toBeLessThan(20 * 1024 * 1024); // we hung up; the server could not push it all
  });

  it('a header flood is a protocol error, not an allocation', async () => {
    const port = await serve('127.0.0.1', (sock) => {
      sock.write(HEAD);
      for (let i = 0; i < 5000; i++) sock.write(`X-Junk-${i}: ${'y'.repeat(20)}\r\n`);
    });
    const { value } = await timed(get('127.0.0.1', port));
    expect(value.status).toBe('protocol-error');
  });

  it('garbage instead of HTTP is a protocol error', async () => {
    const port = await serve('127.0.0.1', (sock) => sock.end(Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13, 10])));
    expect((await get('127.0.0.1', port)).status).toBe('protocol-error');
  });

  it('a host past its byte budget for the scan gets no more reads', async () => {
    const body = 'z'.repeat(60 * 1024);
    const port = await serve('127.0.0.1', (sock) => sock.end(`${HEAD}Content-Length: ${body.length}\r\n\r\n${body}`));
    const s = createScope(parseTargets(['127.0.0.0/29']), [], { pace: { hostBytes: 100 * 1024 } });
    expect((await get('127.0.0.1', port, {}, s)).status).toBe('ok');
    expect(await get('127.0.0.1', port, {}, s)).toMatchObject({ status: 'protocol-error', error: expect.stringMatching(/byte budget/) });
  });

  it('a tarpit does not hold up an honest host probed at the same time', async () => {
    const tarpit = await serve('127.0.0.2', () => {});
    const honest = await serve('127.0.0.3', (sock) => sock.once('data', () => sock.end(`${HEAD}Content-Length: 2\r\n\r\nok`)));
    const s = scope();
    const slow = timed(get('127.0.0.2', tarpit, { idleMs: 1000 }, s));
    const fast = await timed(get('127.0.0.3', honest, {}, s));
    expect(fast.value.status).toBe('ok');
    expect(fast.ms).toBeLessThan(300);
    expect((await slow).value.status).toBe('timeout');
  });

  it('a closed port is refused at once, over TLS too', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
    for (const tls of [false, true]) {
      const { value, ms } = await timed(httpRequest(scope(), { ip: '127.0.0.1', port, path: '/', tls, totalMs: 1500 }));
      expect(value.status).toBe('refused');
      expect(ms).toBeLessThan(500);
    }
  });

  it('plain HTTP where TLS was expected is a protocol error, not a hang', async () => {
    const port = await serve('127.0.0.1', (sock) => sock.once('data', () => sock.end(`HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n`)));
    const { value, ms } = await timed(httpRequest(scope(), { ip: '127.0.0.1', port, path: '/', tls: true, totalMs: 1500 }));
    expect(value.status).toBe('protocol-error');
    expect(ms).toBeLessThan(1000);
  });

  it('refuses a destination outside the targets before connecting', async () => {
    await expect(get('127.0.0.9', 80)).rejects.toThrow(/outside the scan targets/);
  });
});
