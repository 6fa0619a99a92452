// One request, one bounded answer over a plain TCP connection (RTSP banners): connect, idle and total
// deadlines and a byte cap, so a silent port costs `connectMs`, a tarpit `totalMs` and a flood `maxBytes`.
import * as net from 'node:net';
import type { ProbeStatus } from '../core/types.js';
import { collector, overBudget } from './collect.js';
import { admitted, exchangeDeadlines, NOT_ADMITTED, type Scope } from './scope.js';

export interface TcpExchangeOptions {
  readonly ip: string;
  readonly port: number;
  readonly request: string | Buffer;
  readonly totalMs: number;
  readonly connectMs?: number;
  readonly idleMs?: number;
  readonly maxBytes?: number;
  /** True once `data` holds a whole answer; the connection is then closed without waiting for the peer. */
  readonly complete?: (data: Buffer) => boolean;
  readonly signal?: AbortSignal;
}

export type TcpExchangeResult =
  | { readonly status: 'ok'; readonly data: Buffer; readonly truncated: boolean }
  | { readonly status: Exclude<ProbeStatus, 'ok'>; readonly error: string };

export const DEFAULT_EXCHANGE_MAX_BYTES = 64 * 1024;

/** One exchange, admitted by the scope guard (which also paces it); the deadlines start once admitted. */
export function tcpExchange(scope: Scope, opts: TcpExchangeOptions): Promise<TcpExchangeResult> {
  return admitted<TcpExchangeResult>(scope, opts.ip, opts.signal, NOT_ADMITTED, () => exchange(scope, opts));
}

function exchange(scope: Scope, opts: TcpExchangeOptions): Promise<TcpExchangeResult> {
  const maxBytes = opts.maxBytes ?? DEFAULT_EXCHANGE_MAX_BYTES;
  const { connectMs, idleMs } = exchangeDeadlines(opts);
  return new Promise((resolve) => {
    const reply = collector(scope, opts.ip, maxBytes);
    let connected = false;
    let settled = false;
    const sock = net.connect({ host: opts.ip, port: opts.port });
    const timers: NodeJS.Timeout[] = [];
    const settle = (r: TcpExchangeResult): void => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      opts.signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      resolve(r);
    };
    const onAbort = (): void => settle({ status: 'skipped', error: 'aborted' });
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    timers.push(
      setTimeout(() => settle({ status: 'no-reply', error: `no connection within ${connectMs} ms` }), connectMs),
      setTimeout(() => settle({ status: 'timeout', error: `no complete answer within ${opts.totalMs} ms` }), opts.totalMs),
    );
    sock.setTimeout(idleMs, () => settle({ status: 'timeout', error: `idle for ${idleMs} ms` }));
    sock.once('connect', () => {
      connected = true;
      clearTimeout(timers[0]);
      sock.write(opts.request);
    });
    sock.on('data', (chunk: Buffer) => {
      const r = reply.add(chunk);
      if (r === 'over-budget') settle(overBudget(opts.ip));
      else if (r === 'full') settle({ status: 'ok', data: reply.data(), truncated: true });
      else if (opts.complete?.(reply.data())) settle({ status: 'ok', data: reply.data(), truncated: false });
    });
    // The peer closed: whatever arrived is the answer; nothing at all after a handshake is a protocol failure.
    sock.once('end', () =>
      settle(reply.size > 0 ? { status: 'ok', data: reply.data(), truncated: false } : { status: 'protocol-error', error: 'connection closed without an answer' }),
    );
    sock.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') settle({ status: 'refused', error: err.message });
      else if (reply.size > 0) settle({ status: 'ok', data: reply.data(), truncated: false });
      else settle({ status: connected ? 'protocol-error' : 'no-reply', error: err.message });
    });
  });
}
