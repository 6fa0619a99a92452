// The host's own IPv4 interfaces: where multicast probes leave from, which targets are on-link
// (their MACs can be seen), and what to scan when no target is given.
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { canonicalSpec, cidrRange, parseIpv4, type Range } from '../core/targets.js';

export interface LocalInterface {
  readonly name: string;
  readonly address: string;
  readonly prefix: number;
  readonly subnet: Range;
  readonly mac: string | null;
}

function isUp(name: string): boolean {
  try {
    // "unknown" is what tun devices and some veths report while passing traffic.
    const state = readFileSync(`/sys/class/net/${name}/operstate`, 'utf8').trim();
    return state === 'up' || state === 'unknown';
  } catch {
    return true; // not Linux sysfs: trust that an address means the interface is usable
  }
}

export function localInterfaces(): LocalInterface[] {
  const out: LocalInterface[] = [];
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (!addrs || !isUp(name)) continue;
    for (const a of addrs) {
      if (a.family !== 'IPv4' || a.internal || a.cidr === null) continue;
      const prefix = Number(a.cidr.split('/')[1]);
      const base = parseIpv4(a.address);
      if (base === null) continue;
      out.push({
        name,
        address: a.address,
        prefix,
        subnet: cidrRange(base, prefix),
        mac: a.mac && a.mac !== '00:00:00:00:00:00' ? a.mac : null,
      });
    }
  }
  return out;
}

/** The subnets of every up, non-loopback interface: what `camaudit scan` covers without targets. */
export function defaultTargetSpecs(ifaces: readonly LocalInterface[] = localInterfaces()): string[] {
  return [...new Set(ifaces.map((i) => canonicalSpec(i.subnet)))];
}
