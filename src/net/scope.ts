// The single scope guard. Every packet camaudit sends passes through here first: unicast only to
// target addresses, multicast only to the discovery groups and only out of interfaces whose subnet
// overlaps the targets. A source that tries anything else gets a ScopeError, not a packet.
import { ScopeError } from '../core/errors.js';
import { inTargets, parseIpv4, type TargetSet } from '../core/targets.js';
import type { LocalInterface } from './interfaces.js';

/** WS-Discovery and SSDP (239.255.255.250), Dahua DHIP (239.255.255.251). */
export const DISCOVERY_GROUPS: ReadonlySet<string> = new Set(['239.255.255.250', '239.255.255.251']);

export interface Scope {
  readonly targets: TargetSet;
  /** A unicast address camaudit may probe: in the targets, not one of ours, not a subnet broadcast. */
  allows(ip: string): boolean;
  /** Throws ScopeError unless `allows(ip)`. */
  check(ip: string): void;
  checkMulticast(group: string, iface: LocalInterface): void;
  /** Local interfaces whose subnet overlaps the targets: multicast probes leave from these. */
  readonly multicastInterfaces: readonly LocalInterface[];
  /** The interface `ip` is directly reachable on (same subnet), or null when it sits behind a router. */
  onLink(ip: string): LocalInterface | null;
  isLocalAddress(ip: string): boolean;
}

export function createScope(targets: TargetSet, interfaces: readonly LocalInterface[]): Scope {
  const local = new Set(interfaces.map((i) => i.address));
  const broadcasts = new Set<number>();
  for (const i of interfaces) {
    // /31 and /32 have no network or broadcast address (RFC 3021).
    if (i.prefix <= 30) broadcasts.add(i.subnet.start).add(i.subnet.end);
  }
  const overlapping = interfaces.filter((i) =>
    targets.ranges.some((r) => r.start <= i.subnet.end && i.subnet.start <= r.end),
  );
  const allows = (ip: string): boolean => {
    const n = parseIpv4(ip);
    return n !== null && !local.has(ip) && !broadcasts.has(n) && inTargets(targets, ip);
  };
  return {
    targets,
    allows,
    check(ip) {
      if (!allows(ip)) throw new ScopeError(`refusing to probe ${ip}: outside the scan targets (${targets.specs.join(' ')})`);
    },
    checkMulticast(group, iface) {
      if (!DISCOVERY_GROUPS.has(group)) throw new ScopeError(`refusing to send to ${group}: not a discovery multicast group`);
      if (!overlapping.includes(iface)) {
        throw new ScopeError(`refusing multicast on ${iface.name}: its subnet is not among the scan targets`);
      }
    },
    multicastInterfaces: overlapping,
    onLink(ip) {
      const n = parseIpv4(ip);
      if (n === null) return null;
      return interfaces.find((i) => n >= i.subnet.start && n <= i.subnet.end) ?? null;
    },
    isLocalAddress: (ip) => local.has(ip),
  };
}
