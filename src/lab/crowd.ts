// Crowds: many quiet hosts for the price of one namespace, for labs of realistic size (bench/, a /16 with thousands
// of live addresses). A crowd member answers ARP with its own MAC, ping, TCP (RST) and UDP (ICMP port unreachable)
// on its own address, and runs no process: the kernel does all of it.
//
// Layout for a crowd C on segment S (bridge br-S in the bridge namespace):
//   P-C         one namespace; eth0 (random MAC) is bridge port cK; member i is macvlan m<i> on eth0 with the member's
//               MAC and <ip>/32. One route to the segment out of eth0, and a permanent neighbour entry for every other
//               host of the segment, so the crowd never sends ARP: its frames all leave from eth0, and an ARP request
//               from there would teach the scanner the wrong MAC for the member.
//   bridge      per member a permanent neighbour entry on br-S and a static FDB entry to cK; cK has neigh_suppress on
//               (the bridge answers ARP for the members itself, with each member's MAC) and broadcast and multicast
//               flooding off. Without that, every ARP broadcast of a sweep would be copied to every macvlan: a /16 sweep
//               of a 2,000-member crowd is 65,536 × 2,000 copies, and macvlan drops broadcasts past its queue of 1,000.
//   sysctls     arp_ignore=8 (members never answer ARP themselves); icmp_ratelimit=0 and a high icmp_msgs_per_sec, since
//               each real host would rate-limit its ICMP errors on its own, not share one budget with the whole crowd.
//
// The kernel's ARP table is one table for every namespace, and its limits (net.ipv4.neigh.default.gc_thresh1/2/3,
// 128/512/1024 by default) exist only in the initial namespace: a lab cannot raise them for itself. The bridge's entries
// for the members are permanent, which the limits do not count; the scanner's entries for the hosts it probes count
// (README, "Performance").

import { isMulticastMac, normalizeMac } from '../core/mac.js';
import { ipBatch, run, sysctlIn } from './iproute.js';
import { LabError } from './errors.js';
import { LAB_SPACE, LabConfigError, type LabTopology, inCidr, parseCidr } from './topology.js';

export interface LabCrowdMember {
  readonly ip: string;
  /** Canonical lower-case colon form, unicast. */
  readonly mac: string;
}

export interface LabCrowd {
  /** Names the namespace (`<prefix>-<name>`); [a-z][a-z0-9-]{0,23}, distinct from every host name. */
  readonly name: string;
  readonly segment: string;
  readonly members: readonly LabCrowdMember[];
}

const NAME = /^[a-z][a-z0-9-]{0,23}$/;
const MAX_MEMBERS = 8192;

function hostInterfaces(t: LabTopology): { name: string; segment: string; ip: string; mac: string }[] {
  return [
    t.scanner,
    ...t.routers.flatMap((r) => r.interfaces.map((i) => ({ name: r.name, ...i }))),
    ...t.devices,
  ];
}

/** Throws LabConfigError naming the first problem; called by validateTopology (198.18.0.0/15 only, like every host). */
export function validateCrowds(t: LabTopology): void {
  const crowds = t.crowds ?? [];
  if (crowds.length === 0) return;
  const fail = (msg: string): never => {
    throw new LabConfigError(`lab topology ${JSON.stringify(t.name)}: ${msg}`);
  };
  const hosts = hostInterfaces(t);
  const names = new Set([...hosts.map((h) => h.name), 'br']);
  const ips = new Set(hosts.map((h) => h.ip));
  const macs = new Set(hosts.map((h) => h.mac));
  for (const c of crowds) {
    if (!NAME.test(c.name) || names.has(c.name)) fail(`crowd name ${JSON.stringify(c.name)} must match ${NAME} and be unique`);
    names.add(c.name);
    const seg = t.segments.find((s) => s.id === c.segment);
    const cidr = seg ? parseCidr(seg.cidr) : null;
    if (!cidr) return fail(`crowd ${c.name}: unknown segment ${JSON.stringify(c.segment)}`);
    if (c.members.length === 0 || c.members.length > MAX_MEMBERS) fail(`crowd ${c.name}: needs 1..${MAX_MEMBERS} members`);
    const size = 2 ** (32 - cidr.len);
    for (const m of c.members) {
      const who = `crowd ${c.name} member ${m.ip}`;
      if (!inCidr(m.ip, LAB_SPACE)) fail(`${who}: outside 198.18.0.0/15`);
      if (!inCidr(m.ip, cidr)) fail(`${who}: not in segment ${c.segment} (${seg!.cidr})`);
      const host = m.ip.split('.').reduce((n, o) => n * 256 + Number(o), 0) - cidr.base;
      if (host === 0 || host === size - 1) fail(`${who}: the network or broadcast address`);
      if (ips.has(m.ip)) fail(`${who}: duplicate address`);
      ips.add(m.ip);
      if (normalizeMac(m.mac) !== m.mac || isMulticastMac(m.mac)) fail(`${who}: MAC ${JSON.stringify(m.mac)} must be canonical lower-case colon form and unicast`);
      if (macs.has(m.mac)) fail(`${who}: duplicate MAC ${m.mac}`);
      macs.add(m.mac);
    }
  }
}

function bridgeBatch(ns: string, cmds: readonly string[]): void {
  const r = run('bridge', ['-n', ns, '-batch', '-'], `${cmds.join('\n')}\n`);
  if (r.error || r.status !== 0) throw new LabError(`bridge -n ${ns} -batch failed: ${r.error?.message ?? r.stderr.trim()}`);
}

/**
 * Builds every crowd of a validated topology after buildNetwork() made the bridges and hosts; returns the crowds'
 * namespaces. Only creates things (named `<prefix>-…`): on failure the caller tears down by prefix.
 */
export function buildCrowds(t: LabTopology, nsOf: (host: string) => string): string[] {
  const crowds = t.crowds ?? [];
  const bridgeNs = nsOf('br');
  const namespaces = crowds.map((c) => nsOf(c.name));
  if (crowds.length === 0) return namespaces;
  ipBatch(null, namespaces.map((ns) => ['netns', 'add', ns]));
  const hosts = hostInterfaces(t);
  crowds.forEach((c, k) => {
    const ns = namespaces[k]!;
    const port = `c${k}`;
    const cidr = t.segments.find((s) => s.id === c.segment)!.cidr;
    sysctlIn(ns, [
      ...(t.ipv6 ? [] : ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']),
      'net.ipv4.conf.all.arp_ignore=8',
      'net.ipv4.conf.default.arp_ignore=8',
      'net.ipv4.icmp_ratelimit=0',
      'net.ipv4.icmp_msgs_per_sec=1000000',
      'net.ipv4.icmp_msgs_burst=1000000',
    ]);
    const br = `br-${c.segment}`;
    ipBatch(bridgeNs, [
      ['link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns],
      ['link', 'set', port, 'master', br],
      ['link', 'set', port, 'up'],
      ...c.members.map((m) => ['neigh', 'replace', m.ip, 'lladdr', m.mac, 'dev', br, 'nud', 'permanent']),
    ]);
    bridgeBatch(bridgeNs, [
      ...c.members.map((m) => `fdb replace ${m.mac} dev ${port} master static`),
      `link set dev ${port} neigh_suppress on bcast_flood off mcast_flood off`,
    ]);
    ipBatch(ns, [
      ['link', 'set', 'lo', 'up'],
      ['link', 'set', 'eth0', 'up'],
      ...c.members.flatMap((m, i) => [
        ['link', 'add', `m${i}`, 'link', 'eth0', 'address', m.mac, 'type', 'macvlan', 'mode', 'private'],
        ['addr', 'add', `${m.ip}/32`, 'dev', `m${i}`],
        ['link', 'set', `m${i}`, 'up'],
      ]),
      ['route', 'add', cidr, 'dev', 'eth0'],
      ...hosts.filter((h) => h.segment === c.segment).map((h) => ['neigh', 'replace', h.ip, 'lladdr', h.mac, 'dev', 'eth0', 'nud', 'permanent']),
    ]);
  });
  return namespaces;
}
