// Source `nmap`: host discovery with `nmap -sn -n` (ARP on the local segment, ICMP/TCP pings beyond
// it); an on-link host is reported at its ARP reply, a host beyond a router when nmap's XML lists it.
// Sends what nmap's -sn sends; needs nmap and raw sockets (root or CAP_NET_RAW), without which nmap
// reports no MAC addresses, so the `neighbours` source is used instead.
// Vendor names come from oui-data later, not from nmap's 2022 list.
import { runNmapSweep } from '../net/nmap.js';
import type { DiscoverySource } from './types.js';

export const nmapSource: DiscoverySource = {
  id: 'nmap',
  summary: 'nmap -sn -n: ARP requests on-link, ICMP echo/timestamp and TCP 80/443 probes beyond; needs nmap + root',
  async run(ctx) {
    // Spawning nmap blocks this thread for 15-20 ms: let the multicast probes leave first, since every scan lasts at
    // least as long as their listen.
    await new Promise((resolve) => setImmediate(resolve));
    const report = (ip: string, mac: string | null, reason: string, detail: string) => {
      if (ctx.scope.isLocalAddress(ip)) return; // the scanner itself
      ctx.emit('host.up', ip, reason, detail);
      // nmap only sees MACs on the local segment; the guard stays here so a router's MAC can never be kept.
      if (mac && ctx.scope.onLink(ip)) ctx.emit('arp.mac', ip, mac, `nmap: ARP reply from ${mac}`);
    };
    const res = await runNmapSweep(ctx.scope, {
      targets: ctx.scope.targets.specs, // --exclude and the sweep's rate come from the scope
      timeoutMs: ctx.options.timeouts.sweepMs,
      signal: ctx.signal,
      nmapPath: ctx.options.nmapPath,
      onProgress: (percent) => ctx.progress(percent, 100),
      onArpReply: (r) => report(r.ip, r.mac, 'arp-response', 'nmap: host up (arp-response)'),
      onHost(h) {
        if (h.ip) report(h.ip, h.mac, h.reason ?? 'up', `nmap: host up (${h.reason ?? 'no reason given'})`);
      },
    });
    const warn = res.warnings.length ? `; nmap warned: ${res.warnings.join(' / ')}` : '';
    return res.error || warn ? { status: res.status, error: `${res.error ?? ''}${warn}`.replace(/^; /, '') } : { status: res.status };
  },
};
