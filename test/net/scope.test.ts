import { describe, expect, it } from 'vitest';
import { ScopeError } from '../../src/core/errors.js';
import { cidrRange, formatIpv4, parseIpv4, parseTargets, rangeToCidrs } from '../../src/core/targets.js';
import type { LocalInterface } from '../../src/net/interfaces.js';
import { createScope } from '../../src/net/scope.js';

const iface = (name: string, address: string, prefix: number): LocalInterface => ({
  name,
  address,
  prefix,
  subnet: cidrRange(parseIpv4(address)!, prefix),
  mac: null,
});
const eth0 = iface('eth0', '198.18.0.1', 24);
const eth1 = iface('eth1', '198.19.0.1', 24);

describe('scope guard', () => {
  const scope = createScope(parseTargets(['198.18.0.0/24', '198.19.1.0/24']), [eth0, eth1]);

  it('allows target hosts only: not our own address, not subnet broadcast or network addresses', () => {
    expect(scope.allows('198.18.0.11')).toBe(true);
    expect(scope.allows('198.19.1.10')).toBe(true);
    expect(scope.allows('198.18.0.1')).toBe(false);
    expect(scope.allows('198.18.0.255')).toBe(false);
    expect(scope.allows('198.18.0.0')).toBe(false);
    expect(scope.allows('198.18.1.1')).toBe(false);
    expect(() => scope.check('198.18.1.1')).toThrow(ScopeError);
  });

  it('sends multicast only to discovery groups, only out of interfaces on target subnets', () => {
    expect(scope.multicastInterfaces.map((i) => i.name)).toEqual(['eth0']);
    expect(() => scope.checkMulticast('239.255.255.250', eth0)).not.toThrow();
    expect(() => scope.checkMulticast('239.255.255.250', eth1)).toThrow(ScopeError);
    expect(() => scope.checkMulticast('224.0.0.251', eth0)).toThrow(/not a discovery multicast group/);
  });

  it('knows which targets are on-link (their MACs can be seen) and which sit behind a router', () => {
    expect(scope.onLink('198.18.0.11')?.name).toBe('eth0');
    expect(scope.onLink('198.19.1.10')).toBeNull();
  });

  it('never sends unicast to the network or broadcast address of a target network, even behind a router', () => {
    // 198.19.1.255 is a directed broadcast: a router that forwards it floods the whole subnet.
    expect(scope.allows('198.19.1.255')).toBe(false);
    expect(scope.allows('198.19.1.0')).toBe(false);
    expect(scope.allows('198.19.1.254')).toBe(true);
    // A single address or a range names hosts, not a network.
    const hosts = createScope(parseTargets(['198.19.1.0-198.19.1.9', '198.19.2.255']), [eth0]);
    expect(hosts.allows('198.19.1.0')).toBe(true);
    expect(hosts.allows('198.19.2.255')).toBe(true);
  });

  it('lists what lies inside the target specs but must not be touched, for tools that take --exclude', () => {
    const s = createScope(parseTargets(['198.18.0.0/24'], { exclude: ['198.18.0.11', '198.18.0.100-198.18.0.103'] }), [eth0]);
    const excluded = s.excluded.flatMap(rangeToCidrs);
    expect(excluded).toEqual(['198.18.0.0/31', '198.18.0.11', '198.18.0.100/30', '198.18.0.255']);
    // Everything in the spec is either probe-able or excluded, never both.
    for (let n = s.targets.ranges[0]!.start; n <= s.targets.ranges[0]!.end; n++) {
      const ip = formatIpv4(n);
      expect(s.allows(ip), ip).toBe(!s.excluded.some((r) => n >= r.start && n <= r.end));
    }
  });

  it('admits only in-scope destinations, through the pacer', async () => {
    await expect(scope.admit('198.18.1.1')).rejects.toThrow(ScopeError);
    await expect(scope.admit('198.18.0.255')).rejects.toThrow(ScopeError);
    await expect(scope.admitMulticast('224.0.0.251', eth0)).rejects.toThrow(/not a discovery multicast group/);
    const permit = await scope.admit('198.18.0.11');
    expect(permit).not.toBeNull();
    permit!.release();
    const ac = new AbortController();
    ac.abort();
    expect(await scope.admit('198.18.0.11', ac.signal)).toBeNull();
  });

  it('budgets bytes per target host and leaves addresses outside the targets to the caller', () => {
    const s = createScope(parseTargets(['198.18.0.0/24']), [eth0], { pace: { hostBytes: 100 } });
    expect(s.received('198.18.0.11', 100)).toBe(true);
    expect(s.received('198.18.0.11', 1)).toBe(false);
    expect(s.received('203.0.113.5', 10_000)).toBe(true); // not a target: dropped by the runner, not tracked here
    expect(s.pace.hostBytes).toBe(100);
  });
});
