import { describe, expect, it } from 'vitest';
import { ScopeError } from '../../src/core/errors.js';
import { cidrRange, parseIpv4, parseTargets } from '../../src/core/targets.js';
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
});
