// Observations → devices. A device is keyed by its MAC when the local segment showed one, else by IP:
// one box answering on two addresses is one device; two boxes behind one router stay two.
import { normalizeMac } from './mac.js';
import { parseIpv4 } from './targets.js';
import type { Device, Observation } from './types.js';

export interface MergedDevice extends Omit<Device, 'ouiVendor'> {
  readonly ips: readonly string[];
}

// Only a sweep that saw the ARP reply itself can vouch for an L2 address.
const L2_SOURCES = new Set(['nmap', 'neighbours']);

const byIp = (a: string, b: string) => (parseIpv4(a) ?? 0) - (parseIpv4(b) ?? 0);

export function mergeObservations(observations: readonly Observation[]): MergedDevice[] {
  const perIp = new Map<string, Observation[]>();
  for (const o of observations) {
    const list = perIp.get(o.ip);
    if (list) list.push(o);
    else perIp.set(o.ip, [o]);
  }
  const groups = new Map<string, { ips: string[]; obs: Observation[]; mac: string | null; macSource: Device['macSource'] }>();
  for (const ip of [...perIp.keys()].sort(byIp)) {
    const obs = perIp.get(ip)!;
    const l2 = obs.find((o) => o.key === 'arp.mac' && L2_SOURCES.has(o.source));
    const mac = l2 ? normalizeMac(l2.value) : null;
    const key = mac ?? `ip:${ip}`;
    const g = groups.get(key);
    if (g) {
      g.ips.push(ip);
      g.obs.push(...obs);
    } else groups.set(key, { ips: [ip], obs: [...obs], mac, macSource: l2 && mac ? l2.source : null });
  }
  return [...groups.values()].map((g) => ({ ip: g.ips[0]!, ips: g.ips, mac: g.mac, macSource: g.macSource, observations: g.obs }));
}
