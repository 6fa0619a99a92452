// The kernel's neighbour entries at the start of a scan, read from a real /proc/net/arp.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { heldNeighbours, parseProcArp } from '../../src/net/neighbours.js';

const ARP = readFileSync(new URL('../fixtures/proc/net-arp.txt', import.meta.url), 'utf8');

describe('/proc/net/arp', () => {
  it('reads every row with a MAC, with its flags (the unanswered one has none)', () => {
    expect(parseProcArp(ARP).map((r) => [r.ip, r.flags, r.dev])).toEqual([
      ['198.18.200.7', 6, 'v0'],
      ['198.18.200.6', 2, 'v0'],
      ['198.18.200.5', 2, 'v0'],
    ]);
  });

  it('holds resolved entries; only those not permanent take room in the table', () => {
    const held = heldNeighbours(ARP);
    expect([...held.all].sort()).toEqual(['198.18.200.5', '198.18.200.6', '198.18.200.7']);
    expect([...held.counted].sort()).toEqual(['198.18.200.5', '198.18.200.6']);
  });

  it('holds nothing from an empty or garbled table', () => {
    expect(heldNeighbours('').all.size).toBe(0);
    expect(heldNeighbours('IP address HW type Flags HW address Mask Device\nnot a row\n1.2.3.4 0x1 zz 02:00:00:00:00:01 * v0\n').all.size).toBe(0);
  });
});
