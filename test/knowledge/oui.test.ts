import { describe, expect, it } from 'vitest';
import { createOuiRegistry, shippedOuiRegistry as ouiRegistry } from '../../src/knowledge/oui.js';

describe('createOuiRegistry', () => {
  const registry = createOuiRegistry({
    A8BBCC: 'Large Block Inc.\n1 Street\nTown',
    A8BBCC1: 'Medium Block Ltd\n2 Street',
    A8BBCC123: '  Small Block GmbH  \n3 Street',
  });

  it('prefers the longest registered prefix: MA-S, then MA-M, then MA-L', () => {
    expect(registry.lookup('a8:bb:cc:12:34:56')).toEqual({ prefix: 'A8BBCC123', org: 'Small Block GmbH' });
    expect(registry.lookup('a8:bb:cc:1f:00:00')).toEqual({ prefix: 'A8BBCC1', org: 'Medium Block Ltd' });
    expect(registry.lookup('a8:bb:cc:2f:00:00')).toEqual({ prefix: 'A8BBCC', org: 'Large Block Inc.' });
    expect(registry.lookup('ac:bb:cc:00:00:00')).toBeNull();
  });

  it('lists every key of an organisation, by its first line trimmed', () => {
    expect(registry.prefixesOf('Small Block GmbH')).toEqual(['A8BBCC123']);
    expect(registry.prefixesOf('Small Block')).toEqual([]);
    expect(registry.size).toBe(3);
  });
});

describe('ouiRegistry (oui-data)', () => {
  const oui = ouiRegistry();

  it('finds an MA-L assignment, whatever the MAC notation', () => {
    const hikvision = { prefix: '2857BE', org: 'Hangzhou Hikvision Digital Technology Co.,Ltd.' };
    for (const mac of ['28:57:be:aa:bb:01', '28-57-BE-AA-BB-01', '2857.beaa.bb01', '2857BEAABB01']) expect(oui.lookup(mac), mac).toEqual(hikvision);
  });

  it('finds the MA-M organisation inside a registration-authority MA-L block', () => {
    // 40:2C:76 is "IEEE Registration Authority"; 40:2C:76:1 is a scale maker whose name contains "Dahua".
    expect(oui.lookup('40:2c:76:1a:bc:de')).toEqual({ prefix: '402C761', org: 'Shanghai Dahua Scale Factory' });
    expect(oui.lookup('40:2c:76:0a:bc:de')).toEqual({ prefix: '402C760', org: 'Lista AG' });
    expect(oui.lookup('40:2c:76:fa:bc:de')).toEqual({ prefix: '402C76', org: 'IEEE Registration Authority' });
  });

  it('finds the MA-S organisation inside an MA-L block', () => {
    expect(oui.lookup('00:1b:c5:00:0a:bc')).toEqual({ prefix: '001BC5000', org: 'Converging Systems Inc.' });
  });

  it('names no vendor for locally administered, multicast or invalid addresses', () => {
    expect(oui.lookup('2a:57:be:aa:bb:01')).toBeNull(); // 28:57:be with the locally-administered bit set
    expect(oui.lookup('01:00:5e:00:00:fb')).toBeNull();
    expect(oui.lookup('ff:ff:ff:ff:ff:ff')).toBeNull();
    expect(oui.lookup('not a mac')).toBeNull();
  });

  it('lists the prefixes of an organisation', () => {
    expect([...oui.prefixesOf('Axis Communications AB')].sort()).toEqual(['00408C', 'ACCC8E', 'B8A44F', 'E82725']);
    expect(oui.prefixesOf('Axis Communications')).toEqual([]); // exact names only
  });
});
