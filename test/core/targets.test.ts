import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { addresses, inTargets, parseIpv4, parseTargets, rangeToCidrs, parseSpec } from '../../src/core/targets.js';

describe('parseTargets', () => {
  it('accepts addresses, CIDRs and both range spellings, canonicalised', () => {
    const t = parseTargets(['198.18.0.5', '198.18.1.7/24', '198.18.2.10-198.18.2.20', '198.18.3.250-255']);
    expect(t.specs).toEqual(['198.18.0.5', '198.18.1.0/24', '198.18.2.10-198.18.2.20', '198.18.3.250-198.18.3.255']);
    expect(t.size).toBe(1 + 256 + 11 + 6);
    expect(inTargets(t, '198.18.1.255')).toBe(true);
    expect(inTargets(t, '198.18.2.21')).toBe(false);
  });

  it('merges overlapping targets and removes exclusions', () => {
    const t = parseTargets(['198.18.0.0/24', '198.18.0.128/25'], { exclude: ['198.18.0.10', '198.18.0.200-210'] });
    expect(t.size).toBe(256 - 1 - 11);
    expect(inTargets(t, '198.18.0.10')).toBe(false);
    expect(inTargets(t, '198.18.0.205')).toBe(false);
    expect([...addresses(t)]).toHaveLength(t.size);
  });

  it.each([
    ['198.18.0.256', 'not an IPv4 address'],
    ['198.18.0', 'not an IPv4 address'],
    ['198.18.0.0/33', 'not a valid IPv4 CIDR'],
    ['198.18.0.9-198.18.0.1', 'ends before it starts'],
    ['198.18.0.1-2-3', 'not a valid range'],
    ['-oN', 'looks like an option'],
    ['198.18.0.1 -oN /tmp/x', 'contains spaces'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0/8', 'multicast, reserved'],
    ['camera.local', 'not an IPv4 address'],
  ])('refuses %j with a one-line UsageError naming it', (spec, why) => {
    const err = (() => {
      try {
        parseTargets([spec]);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(JSON.stringify(spec));
    expect((err as Error).message).toContain(why);
    expect((err as Error).message).not.toContain('\n');
  });

  it('refuses more than a /16 unless forced', () => {
    expect(() => parseTargets(['10.0.0.0/15'])).toThrow(/131072 addresses.*--force/);
    expect(parseTargets(['10.0.0.0/16']).size).toBe(65536);
    expect(parseTargets(['10.0.0.0/15'], { force: true }).size).toBe(131072);
  });

  it('refuses public addresses unless allowed, naming the first public address', () => {
    expect(() => parseTargets(['8.8.8.8'])).toThrow(/public address 8\.8\.8\.8.*--allow-public/);
    expect(() => parseTargets(['192.168.255.0-192.169.0.3'])).toThrow(/public address 192\.169\.0\.0/);
    expect(parseTargets(['8.8.8.8'], { allowPublic: true }).size).toBe(1);
    for (const ok of ['10.1.2.3', '172.31.0.0/24', '192.168.1.0/24', '100.64.0.1', '169.254.1.1', '198.19.255.0/24']) {
      expect(parseTargets([ok]).size).toBeGreaterThan(0);
    }
  });

  it('refuses targets wholly excluded', () => {
    expect(() => parseTargets(['198.18.0.1'], { exclude: ['198.18.0.0/24'] })).toThrow(/excluded/);
  });
});

describe('rangeToCidrs', () => {
  it('covers a range exactly with the fewest blocks', () => {
    expect(rangeToCidrs(parseSpec('198.18.0.10-198.18.0.20'))).toEqual(['198.18.0.10/31', '198.18.0.12/30', '198.18.0.16/30', '198.18.0.20']);
    expect(rangeToCidrs(parseSpec('198.18.0.0/23'))).toEqual(['198.18.0.0/23']);
  });
});

describe('parseIpv4', () => {
  // The spelling rule as it was first written: four dot-separated decimal octets, 0-255, no leading zeros.
  const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
  const reference = (text: string): number | null => {
    const parts = text.split('.');
    return parts.length === 4 && parts.every((p) => OCTET.test(p)) ? parts.reduce((acc, p) => acc * 256 + Number(p), 0) : null;
  };

  it.each([
    ['198.18.0.1', 0xc6120001],
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['198.18.0.01', null],
    ['198.18.0.256', null],
    ['198.18.0.1000', null],
    ['198.18.0', null],
    ['198.18.0.1.2', null],
    ['198.18..1', null],
    ['.198.18.0.1', null],
    ['198.18.0.1.', null],
    ['198.18.0.+1', null],
    ['198.18.0.1 ', null],
    ['', null],
  ])('%s -> %s', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
  });

  it('agrees with the spelling rule on random dotted groups of digits', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 20_000; n++) {
      const group = () => Array.from({ length: Math.floor(next() * 4) }, () => String(Math.floor(next() * 10))).join('');
      const text = Array.from({ length: 3 + Math.floor(next() * 3) }, group).join('.');
      expect(parseIpv4(text), text).toBe(reference(text));
    }
  });
});
