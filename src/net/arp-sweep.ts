// Built-in host discovery for when nmap is missing or may not use raw sockets: provoke ARP with one
// UDP datagram per on-link address, then read which neighbours the kernel confirmed.
// Works in batches because the kernel neighbour table is shared by every namespace and capped
// (net.ipv4.neigh.default.gc_thresh3, 1024 by default): a larger burst silently loses entries.
import * as dgram from 'node:dgram';
import { readNeighbours, recheckingNeighbours, type Neighbour } from './neighbours.js';
import type { Scope } from './scope.js';

export interface ArpSweepOptions {
  readonly batchSize?: number;
  readonly waitMs?: number;
  /** How long to wait for entries the kernel is re-checking (see below). */
  readonly recheckMs?: number;
  readonly signal?: AbortSignal;
  readonly onHost: (n: Neighbour) => void;
  readonly onProgress?: (done: number, total: number) => void;
}

const DISCARD_PORT = 9; // RFC 863: nothing listens, so nothing but ARP and an ICMP unreachable happens

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export async function arpSweep(scope: Scope, addresses: readonly string[], opts: ArpSweepOptions): Promise<number> {
  const batchSize = opts.batchSize ?? 256;
  const waitMs = opts.waitMs ?? 1000;
  const recheckMs = opts.recheckMs ?? 8000;
  const sock = dgram.createSocket('udp4');
  sock.on('error', () => {}); // per-datagram errors (EHOSTUNREACH after failed ARP) are the expected "no host"
  const seen = new Set<string>();
  const collect = async (batch: ReadonlySet<string>) => {
    for (const n of await readNeighbours()) {
      if (batch.has(n.ip) && !seen.has(n.ip)) {
        seen.add(n.ip);
        opts.onHost(n);
      }
    }
  };
  try {
    const payload = Buffer.alloc(0);
    for (let i = 0; i < addresses.length && !opts.signal?.aborted; i += batchSize) {
      const batch = addresses.slice(i, i + batchSize);
      for (const ip of batch) {
        if (!(await scope.admitSweep(ip, opts.signal))) break; // the kernel's ARP answer is read from its table
        sock.send(payload, DISCARD_PORT, ip, () => {});
      }
      await sleep(waitMs, opts.signal);
      const wanted = new Set(batch);
      await collect(wanted);
      // A host this machine talked to recently (an earlier scan's TCP probes) has a STALE entry, which our
      // datagram only moves to DELAY: the kernel confirms it again after delay_first_probe_time (5 s by default).
      for (let waited = 0; waited < recheckMs && !opts.signal?.aborted; waited += 500) {
        const pending = [...(await recheckingNeighbours())].some((ip) => wanted.has(ip) && !seen.has(ip));
        if (!pending) break;
        await sleep(500, opts.signal);
        await collect(wanted);
      }
      opts.onProgress?.(Math.min(i + batchSize, addresses.length), addresses.length);
    }
  } finally {
    sock.close();
  }
  return seen.size;
}
