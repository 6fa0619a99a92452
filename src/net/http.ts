// Bounded HTTP(S) exchanges with camera web servers: connect, idle and total deadlines, a byte cap on
// the body, a cap on header count. A tarpit costs at most `totalMs`; a 20 MB body costs `maxBytes`.
import * as http from 'node:http';
import * as net from 'node:net';
import type * as tls from 'node:tls';
import type { ProbeStatus } from '../core/types.js';
import { lazyRequire } from '../core/lazy-require.js';
import { collector, overBudget } from './collect.js';
import { admitted, exchangeDeadlines, NOT_ADMITTED, type Scope } from './scope.js';

export interface HttpRequestOptions {
  readonly ip: string;
  readonly port: number;
  readonly path: string;
  readonly method?: 'GET' | 'POST' | 'HEAD';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly tls?: boolean;
  readonly totalMs: number;
  readonly connectMs?: number;
  readonly idleMs?: number;
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>; // lower-case names; repeated headers joined with ", "
  readonly body: Buffer;
  readonly truncated: boolean;
  readonly peerCertificate?: { readonly subject: string; readonly issuer: string };
}

export type HttpResult =
  | { readonly status: 'ok'; readonly response: HttpResponse }
  | { readonly status: Exclude<ProbeStatus, 'ok'>; readonly error: string };

export const DEFAULT_MAX_BYTES = 256 * 1024;
const MAX_HEADERS = 64;

function dn(obj: Record<string, unknown> | undefined): string {
  if (!obj) return '';
  return Object.entries(obj)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(',');
}

function classify(err: NodeJS.ErrnoException): Exclude<ProbeStatus, 'ok'> {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no-reply';
    case 'HPE_HEADER_OVERFLOW':
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_STATUS':
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'EPROTO':
      return 'protocol-error';
    default:
      return err.code?.startsWith('HPE_') ? 'protocol-error' : 'error';
  }
}

/** One request, admitted by the scope guard (which also paces it); the deadlines start once admitted. */
export function httpRequest(scope: Scope, opts: HttpRequestOptions): Promise<HttpResult> {
  return admitted<HttpResult>(scope, opts.ip, opts.signal, NOT_ADMITTED, () => exchange(scope, opts));
}

// Certificates are read, never trusted, so one context serves every connection: building one per connection
// cost more CPU than the rest of a refused probe. node:tls itself loads on the first TLS connection: ~10 ms that
// an import would spend before the scan's first packet.
let tlsContext: tls.SecureContext | null = null;
const loadTls = lazyRequire<typeof tls>('node:tls');

// Most probed ports are closed: a refused connection costs one plain socket, and the HTTP and TLS machinery is
// built only on a connection the host accepted.
function exchange(scope: Scope, opts: HttpRequestOptions): Promise<HttpResult> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const { connectMs, idleMs } = exchangeDeadlines(opts);
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body, 'utf8');
  return new Promise((resolve) => {
    let settled = false;
    let req: http.ClientRequest | null = null;
    const sock = net.connect({ host: opts.ip, port: opts.port });
    const settle = (r: HttpResult) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      opts.signal?.removeEventListener('abort', onAbort);
      req?.destroy();
      sock.destroy();
      resolve(r);
    };
    const onAbort = () => settle({ status: 'skipped', error: 'aborted' });
    const timers = [
      setTimeout(() => settle({ status: 'timeout', error: `no complete answer within ${opts.totalMs} ms` }), opts.totalMs),
      setTimeout(() => settle({ status: 'no-reply', error: `no connection within ${connectMs} ms` }), connectMs),
    ];
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    sock.on('error', (err: NodeJS.ErrnoException) => settle({ status: classify(err), error: err.message }));
    sock.once('connect', () => {
      let conn: net.Socket = sock;
      if (opts.tls) {
        // Cameras use self-signed certificates; we read the certificate as evidence, we do not trust it.
        const { connect, createSecureContext } = loadTls();
        conn = connect({ socket: sock, rejectUnauthorized: false, secureContext: (tlsContext ??= createSecureContext()) });
        conn.once('secureConnect', () => clearTimeout(timers[1]));
      } else clearTimeout(timers[1]);
      conn.setTimeout(idleMs, () => settle({ status: 'timeout', error: `idle for ${idleMs} ms` }));
      req = send(conn, opts, body);
      req.on('error', (err: NodeJS.ErrnoException) => settle({ status: classify(err), error: err.message }));
      req.on('response', (res) => {
        const reply = collector(scope, opts.ip, maxBytes);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        }
        const cert = opts.tls ? (conn as tls.TLSSocket).getPeerCertificate?.() : undefined;
        const done = () =>
          settle({
            status: 'ok',
            response: {
              statusCode: res.statusCode ?? 0,
              headers,
              body: reply.data(),
              truncated: reply.truncated,
              ...(cert && cert.subject ? { peerCertificate: { subject: dn(cert.subject as never), issuer: dn(cert.issuer as never) } } : {}),
            },
          });
        res.on('data', (chunk: Buffer) => {
          const r = reply.add(chunk);
          if (r === 'over-budget') settle(overBudget(opts.ip));
          else if (r === 'full') done(); // stop reading: the cap, not the device, decides how much we buffer
        });
        res.on('end', done);
        res.on('error', (err: NodeJS.ErrnoException) => settle({ status: classify(err), error: err.message }));
      });
    });
  });
}

/** The request, written on a connection already made (`createConnection` without an agent: no pooling). */
function send(conn: net.Socket, opts: HttpRequestOptions, body: Buffer | undefined): http.ClientRequest {
  const req = http.request({
    host: opts.ip,
    port: opts.port,
    path: opts.path,
    method: opts.method ?? (body ? 'POST' : 'GET'),
    headers: { 'user-agent': 'camaudit', connection: 'close', ...(body ? { 'content-length': String(body.length) } : {}), ...opts.headers },
    createConnection: () => conn,
    maxHeaderSize: 16 * 1024,
  });
  req.maxHeadersCount = MAX_HEADERS;
  req.end(body);
  return req;
}
