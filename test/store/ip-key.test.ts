import { describe, expect, it } from 'vitest';
import { ipSortKey } from '../../src/store/ip-key.js';

const hex = (ip: string) => ipSortKey(ip).toString('hex');

describe('ipSortKey', () => {
  it('maps IPv4 into ::ffff:0:0/96', () => {
    expect(hex('198.18.0.10')).toBe('00000000000000000000ffffc612000a');
  });

  it('expands IPv6 shorthand, dotted tails and zones', () => {
    expect(hex('2001:db8::1')).toBe('20010db8000000000000000000000001');
    expect(hex('::')).toBe('0'.repeat(32));
    expect(hex('fe80::1%eth0')).toBe('fe800000000000000000000000000001');
    expect(hex('::ffff:198.18.0.10')).toBe(hex('198.18.0.10'));
    expect(hex('1:2:3:4:5:6:7:8')).toBe('00010002000300040005000600070008');
  });

  it('sorts numerically when compared as bytes', () => {
    const ips = ['198.18.0.100', '2001:db8::1', '198.18.0.9', '10.0.0.1', '198.18.0.10'];
    const sorted = [...ips].sort((a, b) => Buffer.compare(ipSortKey(a), ipSortKey(b)));
    expect(sorted).toEqual(['10.0.0.1', '198.18.0.9', '198.18.0.10', '198.18.0.100', '2001:db8::1']);
  });

  it('puts anything unparsable last', () => {
    expect(hex('not-an-ip')).toBe('f'.repeat(32));
  });
});
