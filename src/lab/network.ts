// Builds a LabTopology's network out of namespaces (see netns.ts for the layout). Only creates things; on failure
// the caller tears down by prefix.

import { ipBatch, sysctlIn } from './iproute.js';
import { type LabHost, type LabTopology, parseCidr } from './topology.js';

const MCAST_ROUTE = '224.0.0.0/4';
const IPV6_OFF = ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'];

interface Iface {
  readonly ns: string;
  readonly ifname: string;
  readonly segment: string;
  readonly ip: string;
  readonly mac: string;
}

export interface LabNetwork {
  /** Scanner, routers, devices, in that order. */
  readonly hostNames: readonly string[];
  readonly bridgeNs: string;
  /** The bridge namespace first, then one per host. */
  readonly namespaces: readonly string[];
}

/** `nsOf(host)` names a host's namespace; `nsOf('br')` is the bridge namespace. */
export function buildNetwork(topology: LabTopology, nsOf: (host: string) => string): LabNetwork {
  const segments = new Map(topology.segments.map((s) => [s.id, parseCidr(s.cidr)!]));
  const bridgeNs = nsOf('br');

  // 1. Namespaces (one `ip -batch`), each with, unless the topology wants IPv6, IPv6 off (no link-local chatter).
  const hostNames = [topology.scanner.name, ...topology.routers.map((r) => r.name), ...topology.devices.map((d) => d.name)];
  const namespaces = [bridgeNs, ...hostNames.map(nsOf)];
  ipBatch(null, namespaces.map((ns) => ['netns', 'add', ns]));
  for (const ns of namespaces) if (ns === bridgeNs || !topology.ipv6) sysctlIn(ns, IPV6_OFF); // the bridge is L2-only

  // 2. Bridge namespace: one bridge per segment; a veth pair per interface, bridge port pN here and ethK with
  //    the profile's MAC created directly in the host's namespace.
  const ifaces: Iface[] = [];
  const single = (h: LabHost): void => void ifaces.push({ ns: nsOf(h.name), ifname: 'eth0', segment: h.segment, ip: h.ip, mac: h.mac });
  single(topology.scanner);
  for (const r of topology.routers)
    r.interfaces.forEach((i, k) => ifaces.push({ ns: nsOf(r.name), ifname: `eth${k}`, segment: i.segment, ip: i.ip, mac: i.mac }));
  for (const d of topology.devices) single(d);
  const brCmds: string[][] = [['link', 'set', 'lo', 'up']];
  for (const s of topology.segments)
    brCmds.push(['link', 'add', `br-${s.id}`, 'type', 'bridge', 'mcast_snooping', '0', 'stp_state', '0'], ['link', 'set', `br-${s.id}`, 'up']);
  ifaces.forEach((i, k) => {
    brCmds.push(
      ['link', 'add', `p${k}`, 'type', 'veth', 'peer', 'name', i.ifname, 'netns', i.ns, 'address', i.mac],
      ['link', 'set', `p${k}`, 'master', `br-${i.segment}`],
      ['link', 'set', `p${k}`, 'up'],
    );
  });
  ipBatch(bridgeNs, brCmds);

  // 3. Each host: lo up, addresses, links up; multicast route on single-homed hosts (a probe without one goes
  //    nowhere: there is no default route), then the host's own routes. Routers forward between their segments.
  const hostCmds = new Map<string, string[][]>(hostNames.map((h) => [nsOf(h), [['link', 'set', 'lo', 'up']]]));
  for (const i of ifaces)
    hostCmds.get(i.ns)!.push(['addr', 'add', `${i.ip}/${segments.get(i.segment)!.len}`, 'dev', i.ifname], ['link', 'set', i.ifname, 'up']);
  for (const h of [topology.scanner, ...topology.devices]) {
    const cmds = hostCmds.get(nsOf(h.name))!;
    cmds.push(['route', 'add', MCAST_ROUTE, 'dev', 'eth0']);
    for (const r of h.routes ?? []) cmds.push(['route', 'add', r.to, 'via', r.via, 'dev', 'eth0']);
  }
  // Every host but the scanner knows the MACs on its segments for good (permanent entries, which the kernel's table
  // limits do not count). The kernel has one neighbour table for all namespaces: a scan's own entries could
  // otherwise leave a device no room for the scanner's, and Linux sends no ARP reply when it cannot store the
  // asker (arp_process). A real device keeps a table of its own. The scanner learns by ARP, as it would for real.
  for (const i of ifaces) {
    if (i.ns === nsOf(topology.scanner.name)) continue;
    const cmds = hostCmds.get(i.ns)!;
    for (const peer of ifaces) if (peer !== i && peer.segment === i.segment) cmds.push(['neigh', 'replace', peer.ip, 'lladdr', peer.mac, 'dev', i.ifname, 'nud', 'permanent']);
  }
  for (const [ns, cmds] of hostCmds) ipBatch(ns, cmds);
  for (const r of topology.routers) sysctlIn(nsOf(r.name), ['net.ipv4.ip_forward=1']);

  return { hostNames, bridgeNs, namespaces };
}
