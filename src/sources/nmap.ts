// Source `nmap`: host discovery with `nmap -sn -n -oX -` (ARP on the local segment, ICMP/TCP
// pings beyond it). Sends what nmap's -sn sends; needs nmap and raw sockets (root or CAP_NET_RAW),
// without which nmap reports no MAC addresses, so the `neighbours` source is used instead.
// Vendor names come from oui-data later, not from nmap's 2022 list.
import { runNmapSweep } from '../net/nmap.js';
import type { DiscoverySource } from './types.js';

export const nmapSource: DiscoverySource = {
  id: 'nmap',
  summary: 'nmap -sn -n: ARP requests on-link, ICMP echo/timestamp and TCP 80/443 probes beyond; needs nmap + root',
  async run(ctx) {
    const res = await runNmapSweep(ctx.scope, {
      targets: ctx.scope.targets.specs, // --exclude and the sweep's rate come from the scope
      timeoutMs: ctx.options.timeouts.sweepMs,
      signal: ctx.signal,
      nmapPath: ctx.options.nmapPath,
      onProgress: (percent) => ctx.progress(percent, 100),
      onHost(h) {
        if (!h.ip || ctx.scope.isLocalAddress(h.ip)) return; // the scanner itself
        ctx.emit('host.up', h.ip, h.reason ?? 'up', `nmap: host up (${h.reason ?? 'no reason given'})`);
        // nmap only sees MACs on the local segment; the guard stays here so a router's MAC can never be kept.
        if (h.mac && ctx.scope.onLink(h.ip)) ctx.emit('arp.mac', h.ip, h.mac, `nmap: ARP reply from ${h.mac}`);
      },
    });
    const warn = res.warnings.length ? `; nmap warned: ${res.warnings.join(' / ')}` : '';
    return res.error || warn ? { status: res.status, error: `${res.error ?? ''}${warn}`.replace(/^; /, '') } : { status: res.status };
  },
};
