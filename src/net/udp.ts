// UDP probes: send one datagram (unicast to a target, or multicast out of one local interface) and
// hand every reply to the caller until the deadline. Network trouble comes back as a status.
// A unicast probe sends from a socket connected to the target, so a host that does not run the service
// (it answers with an ICMP port unreachable, which Linux reports only to connected sockets) ends the probe
// at once as `refused` instead of costing the whole deadline.
import * as dgram from 'node:dgram';
import type { ProbeStatus } from '../core/types.js';
import type { LocalInterface } from './interfaces.js';
import type { Permit } from './pace.js';
import type { Scope } from './scope.js';

export interface UdpReply {
  readonly data: Buffer;
  readonly from: string;
  readonly port: number;
  /** `group`: it came to the discovery group we joined (`listen`), not to our own socket. */
  readonly via: 'socket' | 'group';
}

export interface UdpProbeOptions {
  readonly to: string;
  readonly port: number;
  readonly payload: Buffer;
  readonly timeoutMs: number;
  /** Multicast: the interface to send from. Unicast: leave unset. */
  readonly iface?: LocalInterface;
  /**
   * Also hear datagrams sent to `group`:`port`, joined on `iface` (the interface facing the targets): SADP and
   * DHIP devices may answer to their discovery group instead of to the prober.
   */
  readonly listen?: { readonly group: string; readonly iface: LocalInterface };
  /** Send the datagram this many times, REPEAT_GAP_MS apart (within the first half of the wait): UDP is lossy. */
  readonly repeat?: number;
  /** Called for each reply; return true when nothing more is expected (unicast: first answer). */
  readonly onReply: (reply: UdpReply) => boolean | void;
  /** Called for each reply thrown away here: larger than `maxBytes`, or past its sender's byte budget. */
  readonly onDrop?: (why: string) => void;
  /** Largest reply accepted (default 64 KiB). */
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
}

export interface UdpProbeResult {
  readonly status: ProbeStatus; // ok: sent; the caller decides whether replies were useful. refused: port unreachable
  readonly error?: string;
  readonly replies: number;
}

export const MAX_UDP_REPLY = 64 * 1024;

/**
 * SOAP-over-UDP, WS-Discovery's transport, repeats a multicast message after 50 to 250 ms (UDP_MIN/MAX_DELAY). The
 * shortest: every scan's multicast listen waits this long for the second copy's answers.
 */
export const REPEAT_GAP_MS = 50;

/** Sends through the scope guard: the first datagram waits for admission (and a per-host slot), each repeat for the rate limit. */
export async function udpProbe(scope: Scope, opts: UdpProbeOptions): Promise<UdpProbeResult> {
  if (opts.listen) scope.checkMulticast(opts.listen.group, opts.listen.iface);
  const permit = opts.iface ? await scope.admitMulticast(opts.to, opts.iface, opts.signal) : await scope.admit(opts.to, opts.signal);
  if (!permit) return { status: 'skipped', error: 'aborted', replies: 0 };
  try {
    return await exchange(scope, opts, permit);
  } finally {
    permit.release();
  }
}

function exchange(scope: Scope, opts: UdpProbeOptions, permit: Permit): Promise<UdpProbeResult> {
  const maxBytes = opts.maxBytes ?? MAX_UDP_REPLY;
  return new Promise((resolve) => {
    const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    const sockets = [sock];
    let sender: dgram.Socket = sock;
    let groupError: string | undefined;
    let replies = 0;
    let done = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (status: ProbeStatus, error?: string) => {
      if (done) return;
      done = true;
      timers.forEach(clearTimeout);
      opts.signal?.removeEventListener('abort', onAbort);
      for (const s of sockets) {
        try {
          s.close();
        } catch {
          /* already closed */
        }
      }
      error ??= status === 'ok' ? groupError : undefined;
      resolve(error === undefined ? { status, replies } : { status, error, replies });
    };
    const onAbort = () => finish('skipped', 'aborted');
    if (opts.signal?.aborted) return finish('skipped', 'aborted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const fail = (err: NodeJS.ErrnoException, what: string) => finish(failureStatus(err.code), `${err.code ?? err.message} ${what}`);
    sock.on('error', (err: NodeJS.ErrnoException) => fail(err, `on the socket for ${opts.to}:${opts.port}`));
    const onMessage = (via: UdpReply['via']) => (data: Buffer, rinfo: dgram.RemoteInfo) => {
      if (done) return;
      if (data.length > maxBytes) return opts.onDrop?.(`${data.length}-byte reply from ${rinfo.address}, over the ${maxBytes}-byte cap`);
      if (!scope.received(rinfo.address, data.length)) return opts.onDrop?.(`${rinfo.address} is past its byte budget for the scan`);
      replies++;
      if (opts.onReply({ data, from: rinfo.address, port: rinfo.port, via }) === true) finish('ok');
    };
    sock.on('message', onMessage('socket'));
    const send = async (first: boolean) => {
      if (done || (!first && !(await permit.again(opts.signal))) || done) return;
      const sent = (err: Error | null) => err && fail(err, `sending to ${opts.to}:${opts.port}`);
      if (sender === sock) sock.send(opts.payload, opts.port, opts.to, sent);
      else sender.send(opts.payload, sent);
    };
    // Binding to the interface address picks the egress interface for multicast on Linux, even without a multicast route.
    const start = () => {
      if (done) return;
      const repeat = Math.max(1, opts.repeat ?? 1);
      const gap = Math.min(REPEAT_GAP_MS, opts.timeoutMs / (2 * repeat));
      for (let i = 0; i < repeat; i++) timers.push(setTimeout(() => void send(i === 0), i * gap));
      // Ends after the event loop's next poll: a reply that arrived before the deadline, while the loop was busy,
      // still waits unread in the socket, and closing it from the timer would throw it away.
      timers.push(setTimeout(() => setImmediate(() => finish('ok')), opts.timeoutMs));
    };
    sock.bind(0, opts.iface?.address, () => {
      if (opts.iface) {
        sock.setMulticastInterface(opts.iface.address);
        sock.setMulticastTTL(1); // link-local discovery only: never routed off the segment
        sock.setMulticastLoopback(false);
      }
      const listen = () => {
        if (!opts.listen) return start();
        // Joined before the first send, so a fast answer to the group is not missed. Without the group the
        // probe still hears direct replies: the failure is reported, not fatal.
        joinGroup(opts.listen, opts.port, onMessage('group'), (joined, err) => {
          if (joined) sockets.push(joined);
          groupError = err;
          if (done) joined?.close();
          start();
        });
      };
      if (opts.iface) return listen();
      connectTo(sock.address().port, opts, onMessage('socket'), (conn) => {
        if (conn instanceof Error) return fail(conn, `connecting to ${opts.to}:${opts.port}`);
        if (done) return conn.close();
        sockets.push(conn);
        sender = conn;
        conn.on('error', (e: NodeJS.ErrnoException) => {
          if (!UNREACHABLE.has(e.code ?? '')) return fail(e, `from ${opts.to}:${opts.port}`);
          // A port unreachable is the host saying it does not run the service: common, so no message.
          finish('refused', e.code === 'ECONNREFUSED' ? undefined : `${e.code} from ${opts.to}:${opts.port}`);
        });
        listen();
      });
    });
  });
}

/** What a connected socket reports when an ICMP unreachable comes back for its datagram. */
const UNREACHABLE: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);

/** What a local socket error means for the probe. */
function failureStatus(code: string | undefined): ProbeStatus {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    // ENETUNREACH on multicast means the interface has no multicast route: say so instead of finding nothing.
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return 'not-permitted';
    default:
      return 'error';
  }
}

/**
 * A second socket on the probe's own port, connected to the target: the kernel hands it the target's replies from
 * the probed port and its ICMP errors, while the first socket still hears a reply sent from any other port.
 */
function connectTo(
  localPort: number,
  opts: UdpProbeOptions,
  onMessage: (data: Buffer, rinfo: dgram.RemoteInfo) => void,
  done: (connected: dgram.Socket | NodeJS.ErrnoException) => void,
): void {
  const c = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const fail = (err: NodeJS.ErrnoException) => {
    try {
      c.close();
    } catch {
      /* never bound */
    }
    done(err);
  };
  c.once('error', fail);
  c.once('connect', () => {
    c.removeListener('error', fail);
    c.on('message', onMessage);
    done(c);
  });
  // Without a callback, a failed connect is an 'error' event (handled by `fail`).
  c.bind(localPort, () => c.connect(opts.port, opts.to));
}

function joinGroup(
  listen: NonNullable<UdpProbeOptions['listen']>,
  port: number,
  onMessage: (data: Buffer, rinfo: dgram.RemoteInfo) => void,
  done: (sock: dgram.Socket | null, error?: string) => void,
): void {
  const g = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const fail = (err: Error) => {
    try {
      g.close();
    } catch {
      /* never bound */
    }
    done(null, `cannot listen on ${listen.group}:${port} (${err.message}): replies sent to the group were missed`);
  };
  g.once('error', fail);
  // Bound to the group address, not 0.0.0.0, so that only datagrams for the group reach this socket.
  g.bind({ port, address: listen.group }, () => {
    try {
      g.addMembership(listen.group, listen.iface.address);
    } catch (err) {
      return fail(err as Error);
    }
    g.removeListener('error', fail);
    g.on('error', () => undefined); // a late error on a listen-only socket costs at most some replies
    g.on('message', onMessage);
    done(g);
  });
}
