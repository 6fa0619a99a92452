// UDP probes: send one datagram (unicast to a target, or multicast out of one local interface) and
// hand every reply to the caller until the deadline. Network trouble comes back as a status.
import * as dgram from 'node:dgram';
import type { ProbeStatus } from '../core/types.js';
import type { LocalInterface } from './interfaces.js';
import type { Scope } from './scope.js';

export interface UdpReply {
  readonly data: Buffer;
  readonly from: string;
  readonly port: number;
}

export interface UdpProbeOptions {
  readonly to: string;
  readonly port: number;
  readonly payload: Buffer;
  readonly timeoutMs: number;
  /** Multicast: the interface to send from. Unicast: leave unset. */
  readonly iface?: LocalInterface;
  /** Send the datagram this many times, spaced over the first half of the wait (UDP is lossy). */
  readonly repeat?: number;
  /** Called for each reply; return true when nothing more is expected (unicast: first answer). */
  readonly onReply: (reply: UdpReply) => boolean | void;
  readonly signal?: AbortSignal;
}

export interface UdpProbeResult {
  readonly status: ProbeStatus; // ok: sent; the caller decides whether replies were useful
  readonly error?: string;
  readonly replies: number;
}

export const MAX_DATAGRAM = 65_507;

export function udpProbe(scope: Scope, opts: UdpProbeOptions): Promise<UdpProbeResult> {
  if (opts.iface) scope.checkMulticast(opts.to, opts.iface);
  else scope.check(opts.to);
  return new Promise((resolve) => {
    const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    let replies = 0;
    let done = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (status: ProbeStatus, error?: string) => {
      if (done) return;
      done = true;
      timers.forEach(clearTimeout);
      opts.signal?.removeEventListener('abort', onAbort);
      try {
        sock.close();
      } catch {
        /* already closed */
      }
      resolve(error === undefined ? { status, replies } : { status, error, replies });
    };
    const onAbort = () => finish('skipped', 'aborted');
    if (opts.signal?.aborted) return finish('skipped', 'aborted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    sock.on('error', (err: NodeJS.ErrnoException) => finish(err.code === 'EACCES' || err.code === 'EPERM' ? 'not-permitted' : 'error', err.message));
    sock.on('message', (data, rinfo) => {
      if (done || data.length > MAX_DATAGRAM) return;
      replies++;
      if (opts.onReply({ data, from: rinfo.address, port: rinfo.port }) === true) finish('ok');
    });
    const send = () => {
      if (done) return;
      sock.send(opts.payload, opts.port, opts.to, (err) => {
        if (!err) return;
        const code = (err as NodeJS.ErrnoException).code;
        // ENETUNREACH on multicast means the interface has no multicast route: say so instead of finding nothing.
        finish(code === 'ENETUNREACH' || code === 'EHOSTUNREACH' ? 'not-permitted' : 'error', `${code ?? ''} sending to ${opts.to}:${opts.port}`.trim());
      });
    };
    // Binding to the interface address picks the egress interface for multicast on Linux, even without a multicast route.
    sock.bind(0, opts.iface?.address, () => {
      if (opts.iface) {
        sock.setMulticastInterface(opts.iface.address);
        sock.setMulticastTTL(1); // link-local discovery only: never routed off the segment
        sock.setMulticastLoopback(false);
      }
      const repeat = Math.max(1, opts.repeat ?? 1);
      for (let i = 0; i < repeat; i++) timers.push(setTimeout(send, (i * opts.timeoutMs) / (2 * repeat)));
      timers.push(setTimeout(() => finish('ok'), opts.timeoutMs));
    });
  });
}
