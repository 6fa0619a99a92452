// Simulated RTSP server on TCP 554 (payloads/rtsp.ts): reads requests (several per connection, as RTSP allows),
// answers each by its method and CSeq, never grants access and never streams. Every request is logged with its
// method, URL and whether it carried an Authorization header.
// Hostile or confused clients: a request head over 16 KiB, a malformed request line or 10 s of silence closes
// the connection (a malformed request first gets 400, as RFC 2326 §11.3 suggests).

import { type Socket, createServer } from 'node:net';
import { rtspAnswer } from '../payloads/rtsp.js';
import type { RtspService } from '../topology.js';
import type { ServiceContext, ServiceHandle } from './context.js';

export const RTSP_DEFAULT_PORT = 554;
const MAX_HEAD = 16 * 1024;
const IDLE_MS = 10_000;
const REQUEST_LINE = /^([A-Z_]{1,32}) (\S{1,2048}) RTSP\/1\.0$/;

interface ParsedRequest {
  readonly method: string;
  readonly url: string;
  readonly cseq: string;
  readonly authorization: boolean;
  /** Bytes of the request, body included. */
  readonly length: number;
}

/** The first whole request in `buf`: null if more bytes are needed, 'bad' if it can never be one. */
export function nextRequest(buf: Buffer): ParsedRequest | 'bad' | null {
  const text = buf.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return buf.length > MAX_HEAD ? 'bad' : null;
  const [line = '', ...headers] = text.slice(0, end).split('\r\n');
  const m = REQUEST_LINE.exec(line);
  if (!m) return 'bad';
  const header = (name: string): string | undefined =>
    headers.find((h) => h.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
  const bodyLength = Number(header('content-length') ?? 0);
  if (!Number.isInteger(bodyLength) || bodyLength < 0 || bodyLength > MAX_HEAD) return 'bad';
  if (buf.length < end + 4 + bodyLength) return null;
  const cseq = header('cseq') ?? '0';
  return { method: m[1]!, url: m[2]!, cseq: /^\d{1,9}$/.test(cseq) ? cseq : '0', authorization: header('authorization') !== undefined, length: end + 4 + bodyLength };
}

export async function startRtsp(svc: RtspService, ctx: ServiceContext): Promise<ServiceHandle> {
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    const from = (sock.remoteAddress ?? '-').replace(/^::ffff:/, '');
    let pending = Buffer.alloc(0);
    sock.setTimeout(IDLE_MS, () => sock.destroy());
    sock.on('error', () => undefined);
    sock.on('close', () => sockets.delete(sock));
    sock.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const req = nextRequest(pending);
        if (req === null) return;
        if (req === 'bad') {
          sock.end('RTSP/1.0 400 Bad Request\r\nCSeq: 0\r\n\r\n');
          ctx.log.write('rtsp', from, 'malformed', { status: 400, bytes: pending.length });
          pending = Buffer.alloc(0);
          return;
        }
        pending = pending.subarray(req.length);
        const answer = rtspAnswer(svc, req.method, req.cseq);
        sock.write(answer.text);
        ctx.log.write('rtsp', from, req.method, { status: answer.status, url: req.url, authorization: req.authorization ? 'present' : 'none' });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: ctx.portOverride?.rtsp ?? svc.port ?? RTSP_DEFAULT_PORT, host: ctx.bindIp }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  return {
    service: 'rtsp',
    ports: { tcp: typeof addr === 'object' && addr ? addr.port : (svc.port ?? RTSP_DEFAULT_PORT) },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
