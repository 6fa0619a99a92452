// Source `neighbours`: built-in host discovery when nmap is missing or may not use raw sockets.
// On-link targets: one empty UDP datagram to port 9 each (the kernel ARPs for them), then the
// confirmed entries of the kernel neighbour table. Targets behind a router: TCP connection
// attempts to ports cameras open (an answer or a reset both mean the host is there).
import { addresses } from '../core/targets.js';
import { arpSweep } from '../net/arp-sweep.js';
import { tcpPing } from '../net/tcp.js';
import type { DiscoverySource } from './types.js';

const ROUTED_PORTS = [80, 554, 443, 8000];
const ROUTED_CONCURRENCY = 128;

export const neighboursSource: DiscoverySource = {
  id: 'neighbours',
  summary: 'built-in: UDP datagram per on-link address then the kernel ARP table; TCP connects to 80/554/443/8000 beyond a router; no root needed',
  async run(ctx) {
    const onLink: string[] = [];
    const routed: string[] = [];
    for (const ip of addresses(ctx.scope.targets)) {
      if (!ctx.scope.allows(ip)) continue;
      (ctx.scope.onLink(ip) ? onLink : routed).push(ip);
    }
    const total = onLink.length + routed.length;
    await arpSweep(ctx.scope, onLink, {
      signal: ctx.signal,
      onProgress: (done) => ctx.progress(done, total),
      onHost(n) {
        ctx.emit('host.up', n.ip, 'arp-response', `kernel neighbour table: ${n.ip} at ${n.mac} on ${n.dev}`);
        ctx.emit('arp.mac', n.ip, n.mac, `ARP: ${n.mac}`);
      },
    });
    let next = 0;
    let done = onLink.length;
    const worker = async () => {
      while (next < routed.length && !ctx.signal.aborted) {
        const ip = routed[next++]!;
        for (const port of ROUTED_PORTS) {
          const r = await tcpPing(ctx.scope, ip, port, ctx.options.timeouts.tcpMs, ctx.signal);
          if (r !== 'silent') {
            ctx.emit('host.up', ip, `tcp-${r}`, `TCP port ${port} ${r === 'open' ? 'accepted a connection' : 'answered with a reset'}`);
            break;
          }
        }
        ctx.progress(++done, total);
      }
    };
    await Promise.all(Array.from({ length: Math.min(ROUTED_CONCURRENCY, routed.length) }, worker));
    return { status: ctx.signal.aborted ? 'skipped' : 'ok' };
  },
};
