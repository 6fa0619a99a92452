// Built-in host discovery for when nmap is missing or may not use raw sockets: provoke ARP with one
// UDP datagram per on-link address, then read which neighbours the kernel confirmed.
// Works in batches because the kernel neighbour table is shared by every namespace and capped
// (net.ipv4.neigh.default.gc_thresh3, 1024 by default): a larger burst silently loses entries.
import * as dgram from 'node:dgram';
import { readNeighbours, type Neighbour } from './neighbours.js';
import type { Scope } from './scope.js';

export interface ArpSweepOptions {
  readonly batchSize?: number;
  readonly waitMs?: number;
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
        scope.check(ip);
        sock.send(payload, DISCARD_PORT, ip, () => {});
      }
      await sleep(waitMs, opts.signal);
      await collect(new Set(batch));
      opts.onProgress?.(Math.min(i + batchSize, addresses.length), addresses.length);
    }
  } finally {
    sock.close();
  }
  return seen.size;
}
