// The single scope guard. Every packet camaudit sends passes through here first: unicast only to
// target addresses, multicast only to the discovery groups and only out of interfaces whose subnet
// overlaps the targets. A source that tries anything else gets a ScopeError, not a packet.
// The same object paces the scan (pace.ts): `admit` is the one door to the network.
import { ScopeError } from '../core/errors.js';
import { inTargets, parseIpv4, parseSpec, subtractRanges, type Range, type TargetSet } from '../core/targets.js';
import type { LocalInterface } from './interfaces.js';
import { createPacer, type PaceOptions, type Permit } from './pace.js';

/** WS-Discovery and SSDP (239.255.255.250), Dahua DHIP (239.255.255.251). */
export const DISCOVERY_GROUPS: ReadonlySet<string> = new Set(['239.255.255.250', '239.255.255.251']);

export interface Scope {
  readonly targets: TargetSet;
  /** A unicast address camaudit may probe: in the targets, not one of ours, not a network or broadcast address. */
  allows(ip: string): boolean;
  /** Throws ScopeError unless `allows(ip)`. */
  check(ip: string): void;
  checkMulticast(group: string, iface: LocalInterface): void;
  /** `check`, then wait for the rate limit and a free per-host slot. Null when `signal` aborts first. */
  admit(ip: string, signal?: AbortSignal): Promise<Permit | null>;
  /** `checkMulticast`, then wait for the rate limit. Null when `signal` aborts first. */
  admitMulticast(group: string, iface: LocalInterface, signal?: AbortSignal): Promise<Permit | null>;
  /** `check`, then wait for host discovery's own rate limit (one sweep packet); false when `signal` aborts first. */
  admitSweep(ip: string, signal?: AbortSignal): Promise<boolean>;
  /** Counts bytes read from `ip`; false once that host's budget for the scan is spent. */
  received(ip: string, bytes: number): boolean;
  /** Addresses inside the target specs that must never be probed (--exclude, ours, network and broadcast). */
  readonly excluded: readonly Range[];
  readonly pace: PaceOptions;
  /** Local interfaces whose subnet overlaps the targets: multicast probes leave from these. */
  readonly multicastInterfaces: readonly LocalInterface[];
  /** The interface `ip` is directly reachable on (same subnet), or null when it sits behind a router. */
  onLink(ip: string): LocalInterface | null;
  isLocalAddress(ip: string): boolean;
}

/**
 * Runs `exchange` while admitted to talk to `ip` (scope check, rate limit, per-host slot), releasing the slot
 * however it ends; `aborted` when the scan stops before admission. Deadlines inside `exchange` start once admitted.
 */
export async function admitted<T>(scope: Scope, ip: string, signal: AbortSignal | undefined, aborted: T, exchange: (permit: Permit) => Promise<T>): Promise<T> {
  const permit = await scope.admit(ip, signal);
  if (!permit) return aborted;
  try {
    return await exchange(permit);
  } finally {
    permit.release();
  }
}

/** Deadlines of one exchange: without their own, connect and idle get the total, capped at 1.5 s and 2 s. */
export function exchangeDeadlines(d: { readonly totalMs: number; readonly connectMs?: number; readonly idleMs?: number }): { connectMs: number; idleMs: number } {
  return { connectMs: d.connectMs ?? Math.min(d.totalMs, 1500), idleMs: d.idleMs ?? Math.min(d.totalMs, 2000) };
}

/** What an exchange returns when the scan stopped before it was admitted. */
export const NOT_ADMITTED = { status: 'skipped', error: 'aborted' } as const;

export interface ScopeOptions {
  readonly pace?: Partial<PaceOptions>;
}

/**
 * Network and broadcast addresses never get unicast probes: a directed broadcast makes a router flood a
 * whole subnet (the reflector pattern). Known for our own subnets, and for targets given as a network.
 * /31 and /32 have neither (RFC 3021).
 */
function broadcastAddresses(targets: TargetSet, interfaces: readonly LocalInterface[]): Set<number> {
  const out = new Set<number>();
  const add = (r: Range) => {
    if (r.end - r.start >= 3) out.add(r.start).add(r.end);
  };
  for (const i of interfaces) if (i.prefix <= 30) add(i.subnet);
  for (const spec of targets.specs) if (spec.includes('/')) add(parseSpec(spec));
  return out;
}

export function createScope(targets: TargetSet, interfaces: readonly LocalInterface[], opts: ScopeOptions = {}): Scope {
  const local = new Set(interfaces.map((i) => i.address));
  const broadcasts = broadcastAddresses(targets, interfaces);
  const overlapping = interfaces.filter((i) =>
    targets.ranges.some((r) => r.start <= i.subnet.end && i.subnet.start <= r.end),
  );
  const allows = (ip: string): boolean => {
    const n = parseIpv4(ip);
    return n !== null && !local.has(ip) && !broadcasts.has(n) && inTargets(targets, ip);
  };
  const check = (ip: string): void => {
    if (!allows(ip)) throw new ScopeError(`refusing to probe ${ip}: outside the scan targets (${targets.specs.join(' ')})`);
  };
  const checkMulticast = (group: string, iface: LocalInterface): void => {
    if (!DISCOVERY_GROUPS.has(group)) throw new ScopeError(`refusing to send to ${group}: not a discovery multicast group`);
    if (!overlapping.includes(iface)) {
      throw new ScopeError(`refusing multicast on ${iface.name}: its subnet is not among the scan targets`);
    }
  };
  const never = [...broadcasts, ...[...local].map((a) => parseIpv4(a)!)].map((n) => ({ start: n, end: n }));
  const asked = targets.specs.map(parseSpec);
  const excluded = subtractRanges(asked, subtractRanges(targets.ranges, never));
  const pacer = createPacer(opts.pace);
  const onLink = (ip: string): LocalInterface | null => {
    const n = parseIpv4(ip);
    if (n === null) return null;
    return interfaces.find((i) => n >= i.subnet.start && n <= i.subnet.end) ?? null;
  };
  return {
    targets,
    allows,
    check,
    checkMulticast,
    async admit(ip, signal) {
      check(ip);
      return pacer.acquire(ip, signal, onLink(ip) !== null);
    },
    async admitMulticast(group, iface, signal) {
      checkMulticast(group, iface);
      return pacer.acquire(null, signal);
    },
    async admitSweep(ip, signal) {
      check(ip);
      return pacer.sweep(signal);
    },
    // Only target hosts are tracked, so spoofed replies from random sources cannot grow the table.
    received: (ip, bytes) => !allows(ip) || pacer.take(ip, bytes),
    excluded,
    pace: pacer.options,
    multicastInterfaces: overlapping,
    onLink,
    isLocalAddress: (ip) => local.has(ip),
  };
}
