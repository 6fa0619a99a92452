// Identification from the vendors' own discovery replies (real SADP and DHIP captures, test/fixtures) with the
// shipped vendor-db: observations built exactly as the sadp and dhip sources emit them.
import { describe, expect, it } from 'vitest';
import { mergeObservations } from '../../src/core/merge.js';
import type { JudgedDevice, Observation, SourceId } from '../../src/core/types.js';
import { identify } from '../../src/identify/identify.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { ouiRegistry } from '../../src/knowledge/oui.js';
import { resolvePolicy } from '../../src/policy/judge.js';
import { buildFrame } from '../../src/protocols/dhip.js';
import { dhipDiscovery } from '../../src/sources/dhip.js';
import type { GroupDiscovery } from '../../src/sources/group-discovery.js';
import { sadpDiscovery } from '../../src/sources/sadp.js';
import { arp, fixture, obs } from './helpers.js';

const k = loadKnowledge();
const oui = ouiRegistry();
const policy = resolvePolicy(k, null);

function emitted<T>(spec: GroupDiscovery<T>, ip: string, datagram: Buffer): Observation[] {
  return spec
    .facts(spec.parse(datagram))
    .flatMap(([key, value, field]) => (value === null ? [] : [{ ...obs(ip, spec.id as SourceId, key, value), detail: `${spec.protocol} ${field}: ${value}` }]));
}
const sadp = (ip: string, file: string) => emitted(sadpDiscovery, ip, Buffer.from(fixture(file), 'utf8'));
const dhip = (ip: string, file: string) => emitted(dhipDiscovery, ip, buildFrame(`${fixture(file)}\n\0`));

function judged(observations: Observation[]): JudgedDevice {
  const devices = mergeObservations(observations);
  expect(devices).toHaveLength(1);
  return identify(devices[0]!, k, oui, policy);
}

describe('SADP', () => {
  it('flags the real DS-2CD2385G1-I reply as Hikvision-built when nothing else names the maker', () => {
    const d = judged([arp('198.18.0.21', '02:5a:d0:aa:bb:21'), ...sadp('198.18.0.21', 'sadp/hikvision-ds-2cd2385g1-i-probematch.xml')]);
    expect(d.ouiVendor).toBeNull();
    expect(d.attribution).toMatchObject({
      manufacturer: 'hikvision',
      brand: null,
      model: 'DS-2CD2385G1-I',
      serial: 'DS-2CD2385G1-I20200414AAWRE33842150',
      firmware: 'V5.6.2build 190701',
      deviceType: 'camera',
      confidence: 'high',
      conflicts: [],
    });
    expect(d.restriction).toMatchObject({ entity: 'hikvision', basis: 'manufacturer', confidence: 'high' });
    expect(d.attribution.evidence.some((e) => e.source === 'sadp' && /sadp-answer/.test(e.detail))).toBe(true);
  });

  it('names a routed host by the MAC its SADP reply states, with sadp as the source', () => {
    const d = judged(sadp('198.19.1.40', 'sadp/hikvision-ds-2cd2385g1-i-probematch.xml'));
    expect(d).toMatchObject({ mac: '58:50:ed:1f:e3:85', macSource: 'sadp' });
    expect(d.ouiVendor).toMatch(/Hikvision/);
  });
});

describe('DHIP', () => {
  it('flags the real IPC-HDW1431T1-S4 reply (Vendor "Private") as Dahua-built, with no brand', () => {
    const d = judged([arp('198.18.0.22', '06:ed:ed:aa:bb:22'), ...dhip('198.18.0.22', 'dhip/dahua-ipc-hdw1431t1-s4-notifydevinfo.json')]);
    expect(d.attribution).toMatchObject({ manufacturer: 'dahua', brand: null, model: 'IPC-HDW1431T1-S4', serial: '6C01E93PAG69A7D', firmware: '2.800.0000000.13.R', deviceType: 'camera' });
    expect(d.restriction).toMatchObject({ entity: 'dahua', basis: 'manufacturer' });
  });

  it('the Intelbras relabel with an Intelbras OUI: built by Dahua (DHIP), brand Intelbras, and no conflict', () => {
    const d = judged([arp('198.18.0.23', '58:10:8c:4d:3b:fa'), ...dhip('198.18.0.23', 'dhip/intelbras-mhdx-1016-notifydevinfo.json')]);
    expect(d.ouiVendor).toBe('Intelbras');
    expect(d.attribution).toMatchObject({ manufacturer: 'dahua', brand: 'intelbras', model: 'MHDX 1016', deviceType: 'dvr', confidence: 'high', conflicts: [] });
    expect(d.restriction).toMatchObject({ entity: 'dahua', basis: 'manufacturer', confidence: 'high' });
    expect(d.attribution.evidence.some((e) => e.source === 'dhip' && /Vendor: Intelbras.*hw.brand=intelbras/.test(e.detail))).toBe(true);
    expect(d.attribution.evidence.some((e) => e.source === 'dhip' && /brand intelbras sells hardware built by dahua/.test(e.detail))).toBe(true);
  });

  it('the Intelbras access terminal with a Dahua OUI', () => {
    const d = judged([arp('198.18.0.24', 'b4:4c:3b:f4:e3:01'), ...dhip('198.18.0.24', 'dhip/intelbras-ss-3530-mf-face-w-notifydevinfo.json')]);
    expect(d.attribution).toMatchObject({ manufacturer: 'dahua', brand: 'intelbras', deviceType: 'other', conflicts: [] });
  });

  it('names a routed host by the MAC its DHIP reply states, with dhip as the source', () => {
    const d = judged(dhip('198.19.1.21', 'dhip/dahua-ipc-hdw1431t1-s4-notifydevinfo.json'));
    expect(d).toMatchObject({ mac: '08:ed:ed:87:42:7a', macSource: 'dhip' });
    expect(d.ouiVendor).toMatch(/Dahua/);
  });

  it('still reports a MAC block of an unrelated maker as a conflict', () => {
    const d = judged([arp('198.18.0.25', '00:40:8c:12:34:56'), ...dhip('198.18.0.25', 'dhip/dahua-ipc-hdw1431t1-s4-notifydevinfo.json')]);
    expect(d.attribution.manufacturer).toBe('dahua');
    expect(d.attribution.conflicts.join('\n')).toMatch(/dahua.*MAC registry says axis/);
    expect(d.attribution.confidence).toBe('medium');
  });
});
