// Identification and judgement on real payloads (test/fixtures, SOURCES.md) with the shipped vendor-db.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { mergeObservations } from '../../src/core/merge.js';
import type { JudgedDevice, Observation } from '../../src/core/types.js';
import { identify } from '../../src/identify/identify.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { ouiRegistry } from '../../src/knowledge/oui.js';
import { resolvePolicy } from '../../src/policy/judge.js';
import { arp, deviceInformation, obs, scopes } from './helpers.js';

const k = loadKnowledge();
const oui = ouiRegistry();
const defaultPolicy = resolvePolicy(k, null);

function judged(observations: Observation[], policy = defaultPolicy): JudgedDevice {
  const devices = mergeObservations(observations);
  expect(devices).toHaveLength(1);
  return identify(devices[0]!, k, oui, policy);
}

describe('identify', () => {
  it('flags a Dahua camera from its real GetDeviceInformation alone (locally administered MAC)', () => {
    const d = judged([arp('198.18.0.17', '8e:3f:5a:19:c4:77'), ...deviceInformation('198.18.0.17', 'onvif/dahua-ipc-hdw1025c-getdeviceinformation.xml')]);
    expect(d.ouiVendor).toBeNull();
    expect(d.attribution).toMatchObject({ manufacturer: 'dahua', brand: 'dahua', model: 'IPC-HDW1025C', serial: '2J01018PAA00813' });
    expect(d.restriction).toMatchObject({ entity: 'dahua', basis: 'manufacturer' });
    expect(d.restriction!.lists.map((l) => l.id)).toEqual(['us-fcc-covered-list', 'us-ndaa-fy2019-sec889']);
  });

  it('identifies the real Axis M5525-E reply as Axis and flags nothing', () => {
    const d = judged([arp('198.18.0.13', '00:40:8c:12:34:56'), ...deviceInformation('198.18.0.13', 'onvif/axis-m5525-e-getdeviceinformation.xml')]);
    expect(d.ouiVendor).toMatch(/Axis/i);
    expect(d.attribution).toMatchObject({ manufacturer: 'axis', model: 'M5525-E', confidence: 'high', conflicts: [] });
    expect(d.restriction).toBeNull();
  });

  it('reads maker and model from a real Hikvision ProbeMatch, and the MAC the device states in its scopes when no ARP saw it', () => {
    const d = judged(scopes('198.19.1.10', 'ws-discovery/hikvision-ds-2cd2385g1-i-probematch-body.xml'));
    expect(d.mac).toBe('58:50:ed:1f:e3:85');
    expect(d.macSource).toBe('ws-discovery');
    expect(d.ouiVendor).toMatch(/Hikvision/);
    expect(d.attribution).toMatchObject({ manufacturer: 'hikvision', model: 'DS-2CD2385G1-I', deviceType: 'camera' });
    expect(d.restriction?.entity).toBe('hikvision');
  });

  it('keeps a routed host without a stated MAC at mac null', () => {
    const d = judged(scopes('198.19.1.10', 'ws-discovery/hikvision-ds-2cd3955fwd-iws-probematch.xml'));
    expect(d.mac).toBeNull();
    expect(d.ouiVendor).toBeNull();
    expect(d.attribution.manufacturer).toBe('hikvision');
  });

  it('raises confidence when independent signals agree (Dahua name scope and ONVIF Manufacturer)', () => {
    const scopesOnly = judged(scopes('198.18.0.12', 'ws-discovery/dahua-ipc-hfw2228m-i1-v2-hello.xml'));
    expect(scopesOnly.attribution).toMatchObject({ manufacturer: 'dahua', confidence: 'medium' });
    const both = judged([
      ...scopes('198.18.0.12', 'ws-discovery/dahua-ipc-hfw2228m-i1-v2-hello.xml'),
      ...deviceInformation('198.18.0.12', 'onvif/dahua-dh-2h3400-adp-getdeviceinformation.xml'),
    ]);
    expect(both.attribution.confidence).toBe('high');
  });

  it('attributes a subsidiary by its registry entry: an EZVIZ MAC is covered through Hikvision', () => {
    const d = judged([arp('198.18.0.30', '0c:a6:4c:01:02:03')]);
    expect(d.attribution.manufacturer).toBe('ezviz');
    expect(d.restriction).toMatchObject({ entity: 'hikvision', basis: 'subsidiary' });
  });

  it('attributes an OEM relabel to its builder: a device reporting LTS is Hikvision-built', () => {
    const d = judged([obs('198.19.1.20', 'onvif', 'onvif.manufacturer', 'LTS')]);
    expect(d.attribution).toMatchObject({ manufacturer: 'hikvision', brand: 'lts', relabel: { brand: 'lts', builtBy: 'hikvision' } });
    expect(d.restriction).toMatchObject({ entity: 'hikvision', basis: 'oem' });
  });

  it('honours a relabel exception: an Amcrest Helix model is not attributed to Dahua', () => {
    const d = judged([obs('198.19.1.21', 'onvif', 'onvif.manufacturer', 'Amcrest'), obs('198.19.1.21', 'onvif', 'onvif.model', 'HLX-IP8M-T')]);
    expect(d.attribution.relabel).toBeNull();
    expect(d.attribution.manufacturer).toBe('amcrest');
    expect(d.restriction).toBeNull();
    expect(d.attribution.evidence.some((e) => /not built by dahua/.test(e.detail))).toBe(true);
  });

  it('reports a conflict and lowers confidence when the registry and the reported brand disagree', () => {
    const d = judged([arp('198.18.0.40', '00:40:8c:aa:bb:cc'), obs('198.18.0.40', 'onvif', 'onvif.manufacturer', 'HIKVISION')]);
    expect(d.attribution.manufacturer).toBe('axis'); // the registry outranks a self-reported brand
    expect(d.attribution.conflicts.join('\n')).toMatch(/axis.*hikvision/);
    expect(d.attribution.confidence).toBe('medium');
  });

  it('does not take a brand from a name that merely contains a maker (no substring matching)', () => {
    const d = judged([obs('198.18.0.41', 'onvif', 'onvif.manufacturer', 'Shanghai Dahua Scale Factory')]);
    expect(d.attribution.manufacturer).toBeNull();
    expect(d.restriction).toBeNull();
  });

  it('shows a NotAuthorized fault as evidence', () => {
    const d = judged([arp('198.18.0.19', '02:5e:11:aa:bb:09'), obs('198.18.0.19', 'onvif', 'onvif.fault', 'ter:NotAuthorized')]);
    expect(d.attribution.evidence).toEqual([{ source: 'onvif', detail: 'onvif.fault ter:NotAuthorized' }]);
    expect(d.restriction).toBeNull();
  });
});

describe('policy', () => {
  const hik = [arp('198.18.0.11', '28:57:be:aa:bb:01')];

  it('applies only the chosen lists, each with its row and scope limit', () => {
    const d = judged(hik, resolvePolicy(k, ['ca-qc-arrete-2023']));
    expect(d.restriction!.lists.map((l) => l.id)).toEqual(['ca-qc-arrete-2023']);
    const fcc = judged(hik).restriction!.lists.find((l) => l.id === 'us-fcc-covered-list')!;
    expect(fcc.row).toBe('row 4');
    expect(fcc.scopeLimit).toMatch(/public safety/);
  });

  it('never flags from a context-only list or a business-operations order', () => {
    expect(judged(hik, resolvePolicy(k, ['uk-wms-2022-surveillance'])).restriction).toBeNull();
    // The ICA order closes Hikvision Canada's business (an operations row); only the federal no-use direction flags devices.
    const ca = judged(hik, resolvePolicy(k, ['ca-ica-hikvision-2025'])).restriction!;
    expect(ca.lists.map((l) => l.row)).toEqual(['federal direction 2025-06-27']);
  });

  it('does not reach subsidiaries through a list that names only the entity itself', () => {
    const ezviz = [arp('198.18.0.30', '0c:a6:4c:01:02:03')];
    expect(judged(ezviz, resolvePolicy(k, ['us-fcc-covered-list'])).restriction?.basis).toBe('subsidiary');
    const narrow = k.lists.find((l) => !l.coversAffiliates && l.flags && l.rows.some((r) => r.entity === 'hikvision' && r.covers === 'equipment'));
    if (narrow) expect(judged(ezviz, resolvePolicy(k, [narrow.id])).restriction).toBeNull();
  });

  it('rejects an unknown list id', () => {
    expect(() => resolvePolicy(k, ['us-fcc-covered-list', 'nope'])).toThrow(UsageError);
    expect(() => resolvePolicy(k, ['nope'])).toThrow(/"nope"/);
  });
});
