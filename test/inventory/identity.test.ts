import { describe, expect, it } from 'vitest';
import { identityLabel, matchAssets, scopeKey, usableSerial, type KnownAsset } from '../../src/inventory/identity.js';

const SCOPE = scopeKey(['198.18.0.0/24']);
const asset = (o: Partial<KnownAsset> & { id: number }): KnownAsset => ({ ip: '198.18.0.10', mac: null, serial: null, scope: SCOPE, lastScanId: 1, ...o });
const device = (o: { ip?: string; mac?: string | null; serial?: string | null } = {}) => ({ ip: '198.18.0.10', mac: null, serial: null, ...o });

describe('scopeKey', () => {
  it('is the same for the same targets in any order', () => {
    expect(scopeKey(['198.19.1.0/24', '198.18.0.0/24', '198.18.0.0/24'])).toBe(scopeKey(['198.18.0.0/24', '198.19.1.0/24']));
    expect(scopeKey(['198.18.0.0/24'])).not.toBe(scopeKey(['198.18.0.0/23']));
  });
});

describe('usableSerial', () => {
  it.each(['0', '0000000000', 'unknown', 'N/A', 'Serial', '123456789', 'ffff', ' '])('ignores the placeholder %j', (s) => {
    expect(usableSerial(s)).toBeNull();
  });
  it.each(['BA07995PHA29A85', 'DS-2CD2385G1-I20200414AAWRE33842150', 'ACCC8EBECCEA'])('keeps the real serial %s', (s) => {
    expect(usableSerial(s)).toBe(s);
  });
});

describe('matchAssets', () => {
  it('matches by MAC first, whatever the address and serial', () => {
    const assets = [asset({ id: 1, mac: '28:57:be:aa:bb:01', serial: 'DS-OLD-SERIAL-1', ip: '198.18.0.10' })];
    expect(matchAssets([device({ ip: '198.18.0.40', mac: '28:57:be:aa:bb:01', serial: 'DS-NEW-BOARD-2' })], assets, SCOPE)).toEqual([1]);
  });

  it('matches by serial when there is no MAC, even under other targets', () => {
    const assets = [asset({ id: 7, mac: '28:57:be:aa:bb:01', serial: 'BA07995PHA29A85', scope: 'elsewhere' })];
    expect(matchAssets([device({ ip: '198.19.1.10', serial: 'BA07995PHA29A85' })], assets, SCOPE)).toEqual([7]);
  });

  it('never matches a serial across two different MACs (cloned serials)', () => {
    const assets = [asset({ id: 7, mac: '08:ed:ed:aa:bb:02', serial: 'BA07995PHA29A85' })];
    expect(matchAssets([device({ ip: '198.18.0.13', mac: '08:ed:ed:aa:bb:03', serial: 'BA07995PHA29A85' })], assets, SCOPE)).toEqual([null]);
  });

  it('matches by address only within the same targets, and not when a MAC or serial contradicts it', () => {
    const assets = [asset({ id: 3 }), asset({ id: 4, ip: '198.18.0.11', mac: '00:40:8c:aa:bb:03' }), asset({ id: 5, ip: '198.18.0.12', scope: 'elsewhere' })];
    const devices = [device(), device({ ip: '198.18.0.11', mac: '00:40:8c:ff:ff:ff' }), device({ ip: '198.18.0.12' })];
    expect(matchAssets(devices, assets, SCOPE)).toEqual([3, null, null]);
  });

  it('gives an asset to one device only, the strongest key winning', () => {
    // The second device has the address of asset 1, but the first device claims it by MAC.
    const assets = [asset({ id: 1, ip: '198.18.0.10', mac: '28:57:be:aa:bb:01' })];
    const devices = [device({ ip: '198.18.0.10' }), device({ ip: '198.18.0.20', mac: '28:57:be:aa:bb:01' })];
    expect(matchAssets(devices, assets, SCOPE)).toEqual([null, 1]);
  });

  it('prefers the asset seen most recently when a key is shared', () => {
    const assets = [asset({ id: 1, serial: 'BA07995PHA29A85', lastScanId: 3 }), asset({ id: 2, serial: 'BA07995PHA29A85', lastScanId: 9 })];
    expect(matchAssets([device({ ip: '198.19.1.10', serial: 'BA07995PHA29A85' })], assets, SCOPE)).toEqual([2]);
  });
});

describe('identityLabel', () => {
  it('names the key a new asset is recorded under', () => {
    expect(identityLabel(device({ mac: '28:57:be:aa:bb:01', serial: 'BA07995PHA29A85' }))).toBe('mac:28:57:be:aa:bb:01');
    expect(identityLabel(device({ serial: 'BA07995PHA29A85' }))).toBe('serial:BA07995PHA29A85');
    expect(identityLabel(device({ serial: '0' }))).toBe('ip:198.18.0.10');
  });
});
