// An organisation's policy applied to devices identified from real payloads (test/fixtures, SOURCES.md):
// exceptions, its own banned vendors, scope limits, and the rule and list row recorded for each decision.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeObservations } from '../../src/core/merge.js';
import type { JudgedDevice, Observation } from '../../src/core/types.js';
import { identify } from '../../src/identify/identify.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { shippedOuiRegistry } from '../../src/knowledge/oui.js';
import { resolvePolicy, type Policy } from '../../src/policy/judge.js';
import { loadPolicy } from '../../src/policy/load.js';
import { arp, deviceInformation, scopes } from '../identify/helpers.js';

const k = loadKnowledge();
const oui = shippedOuiRegistry();
const temp = mkdtempSync(join(tmpdir(), 'camaudit-decide-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const NOW = new Date('2026-12-02T08:00:00Z');

let n = 0;
function policy(yaml: string, policyIds: string[] | null = null): Policy & { path: string } {
  const path = join(temp, `policy-${++n}.yaml`);
  writeFileSync(path, yaml);
  return { ...loadPolicy({ policyFile: path, policyIds, now: NOW }, k), path };
}

function judged(observations: Observation[], p: Policy): JudgedDevice {
  const [device, ...rest] = mergeObservations(observations);
  expect(rest).toEqual([]);
  return identify(device!, p.knowledge, oui, p);
}

// Dahua IPC-HDW1025C, serial 2J01018PAA00813, behind a locally administered MAC.
const dahua = () => [arp('198.18.0.17', '8e:3f:5a:19:c4:77'), ...deviceInformation('198.18.0.17', 'onvif/dahua-ipc-hdw1025c-getdeviceinformation.xml')];
// Hikvision DS-2CD2385G1-I, stating MAC 58:50:ed:1f:e3:85 in its WS-Discovery scopes.
const hikvision = () => scopes('198.19.1.10', 'ws-discovery/hikvision-ds-2cd2385g1-i-probematch-body.xml');
const ezviz = () => [arp('198.18.0.21', '0c:a6:4c:01:02:03')]; // Hangzhou Ezviz Software MAC block
const huawei = () => [arp('198.18.0.22', '00:e0:fc:01:02:03')]; // HUAWEI TECHNOLOGIES MAC block
const espressif = () => [arp('198.18.0.30', '5c:cf:7f:01:02:03')]; // Espressif Inc.: no vendor-db entity
const axis = () => [arp('198.18.0.13', '00:40:8c:12:34:56'), ...deviceInformation('198.18.0.13', 'onvif/axis-m5525-e-getdeviceinformation.xml')];

const exception = (match: string, expires = '2027-03-31') =>
  `exceptions:\n  - ${match}\n    reason: replacement ordered\n    approver: J. Smith (CISO)\n    expires: ${expires}\n`;

describe('the vendor-db default, without a policy file', () => {
  it('records the default list selection and the rows that flag', () => {
    const d = judged(dahua(), resolvePolicy(k, null));
    expect(d.decidedBy).toEqual({
      flagged: true,
      rules: [{ rule: 'lists', at: 'vendor-db default policy', text: 'default lists: us-fcc-covered-list, us-ndaa-fy2019-sec889' }],
      rows: [
        { list: 'us-fcc-covered-list', row: 'row 5', effect: 'flags' },
        { list: 'us-ndaa-fy2019-sec889', row: '889(f)(3)(B) Dahua', effect: 'flags' },
      ],
    });
  });

  it('records nothing for a device no list names', () => {
    const d = judged(axis(), resolvePolicy(k, null));
    expect(d.restriction).toBeNull();
    expect(d.decidedBy).toBeNull();
  });

  it('records the rows a narrower --policy set aside', () => {
    const d = judged(huawei(), resolvePolicy(k, ['ca-qc-arrete-2023']));
    expect(d.restriction).toBeNull();
    expect(d.decidedBy).toEqual({
      flagged: false,
      rules: [{ rule: 'lists', at: '--policy', text: 'lists chosen: ca-qc-arrete-2023' }],
      rows: [
        { list: 'us-fcc-covered-list', row: 'row 1', effect: 'not-chosen' },
        { list: 'us-ndaa-fy2019-sec889', row: '889(f)(3)(A) Huawei', effect: 'not-chosen' },
      ],
    });
  });
});

describe('exceptions', () => {
  it('by serial: the device is not flagged, and the exception and the rows it set aside are recorded', () => {
    const p = policy(exception('serial: 2j01018paa00813'));
    const d = judged(dahua(), p);
    expect(d.restriction).toBeNull();
    expect(d.decidedBy).toEqual({
      flagged: false,
      rules: [{ rule: 'exceptions[0]', at: `${p.path}:2`, text: 'exception for serial 2j01018paa00813: replacement ordered (approved by J. Smith (CISO), until 2027-03-31)' }],
      rows: [
        { list: 'us-fcc-covered-list', row: 'row 5', effect: 'excepted' },
        { list: 'us-ndaa-fy2019-sec889', row: '889(f)(3)(B) Dahua', effect: 'excepted' },
      ],
    });
    expect(judged(hikvision(), p).restriction).not.toBeNull(); // other devices are untouched
  });

  it('by model pattern, case-insensitive', () => {
    const p = policy(exception('model: "^ds-2cd2385g1"'));
    expect(judged(hikvision(), p).restriction).toBeNull();
    expect(judged(dahua(), p).restriction).not.toBeNull();
  });

  it('by MAC, in any notation, including a MAC the device states about itself', () => {
    expect(judged(hikvision(), policy(exception('mac: 58-50-ED-1F-E3-85'))).restriction).toBeNull();
    expect(judged(hikvision(), policy(exception('mac: 58:50:ed:1f:e3:86'))).restriction).not.toBeNull();
  });

  it('by IP address, CIDR or range', () => {
    expect(judged(dahua(), policy(exception('ip: 198.18.0.16/28'))).restriction).toBeNull();
    expect(judged(dahua(), policy(exception('ip: 198.18.0.17'))).restriction).toBeNull();
    expect(judged(dahua(), policy(exception('ip: 198.18.0.0/28'))).restriction).not.toBeNull();
  });

  it('by entity: the maker and any family member above it', () => {
    expect(judged(ezviz(), policy(exception('entity: hikvision'))).restriction).toBeNull();
    expect(judged(ezviz(), policy(exception('entity: ezviz'))).restriction).toBeNull();
    expect(judged(hikvision(), policy(exception('entity: ezviz'))).restriction).not.toBeNull(); // not the other way round
  });

  it('by brand', () => {
    expect(judged(dahua(), policy(exception('brand: dahua'))).restriction).toBeNull();
    expect(judged(hikvision(), policy(exception('brand: dahua'))).restriction).not.toBeNull();
  });

  it('needs every condition it names', () => {
    expect(judged(dahua(), policy(exception('entity: dahua\n    model: ^IPC-HFW'))).restriction).not.toBeNull();
    expect(judged(dahua(), policy(exception('entity: dahua\n    model: ^IPC-HDW'))).restriction).toBeNull();
  });

  it('is ignored once its expiry date has passed, and holds on its last day', () => {
    const expired = judged(dahua(), policy(exception('serial: 2J01018PAA00813', '2026-12-01')));
    expect(expired.restriction).not.toBeNull();
    expect(expired.decidedBy!.rules.map((r) => r.rule)).toEqual(['lists']);
    expect(judged(dahua(), policy(exception('serial: 2J01018PAA00813', '2026-12-02'))).restriction).toBeNull();
  });
});

describe("an organisation's own restrictions", () => {
  const banEspressif = `organisation: Example County IT
entities:
  - id: espressif
    name: Espressif Systems
    ouiOrgNames: [Espressif Inc.]
restrict:
  - entity: espressif
    reason: IT security board decision 2026-04
`;

  it('flags a vendor no list names, citing the policy file', () => {
    const p = policy(banEspressif);
    expect(judged(espressif(), resolvePolicy(k, null)).restriction).toBeNull();
    const d = judged(espressif(), p);
    expect(d.attribution.manufacturer).toBe('espressif');
    expect(d.restriction).toMatchObject({ entity: 'espressif', basis: 'manufacturer', confidence: 'high' });
    expect(d.restriction!.lists).toEqual([
      { id: 'org-policy', row: `restrict[0] (${p.path}:7)`, citation: `Example County IT policy (${p.path}): IT security board decision 2026-04`, scopeLimit: null },
    ]);
    expect(d.decidedBy).toEqual({
      flagged: true,
      rules: [{ rule: 'restrict[0]', at: `${p.path}:7`, text: 'restricts entity espressif and its subsidiaries and affiliates: IT security board decision 2026-04' }],
      rows: [{ list: 'org-policy', row: `restrict[0] (${p.path}:7)`, effect: 'flags' }],
    });
  });

  it('adds to the lists for a maker they already name', () => {
    const d = judged(dahua(), policy('restrict:\n  - entity: dahua\n    reason: r\n'));
    expect(d.restriction!.lists.map((l) => l.id)).toEqual(['us-fcc-covered-list', 'us-ndaa-fy2019-sec889', 'org-policy']);
  });

  it('restricts a vendor-db maker, or a brand, that no list names', () => {
    expect(judged(axis(), policy('restrict:\n  - entity: axis\n    reason: r\n')).restriction?.entity).toBe('axis');
    expect(judged(axis(), policy('restrict:\n  - brand: axis\n    reason: r\n')).restriction?.entity).toBe('axis');
  });

  it('reaches subsidiaries only while coversAffiliates is not false', () => {
    const p = policy(`${banEspressif}  - entity: hikvision\n    coversAffiliates: false\n    reason: r\n`, []);
    expect(judged(hikvision(), p).restriction?.entity).toBe('hikvision');
    expect(judged(ezviz(), p).restriction).toBeNull();
  });
});

describe('scope limits', () => {
  it('not-to-us: purpose-limited rows do not flag; unlimited rows still do', () => {
    const p = policy('scopeLimits:\n  us-fcc-covered-list: { applies: not-to-us, reason: "private retailer, no public-safety use" }\n');
    const hik = judged(hikvision(), p);
    expect(hik.restriction!.lists.map((l) => l.id)).toEqual(['us-ndaa-fy2019-sec889']);
    expect(hik.decidedBy!.rows).toEqual([
      { list: 'us-ndaa-fy2019-sec889', row: '889(f)(3)(B) Hikvision', effect: 'flags' },
      { list: 'us-fcc-covered-list', row: 'row 4', effect: 'out-of-scope' },
    ]);
    expect(hik.decidedBy!.rules.map((r) => [r.rule, r.at])).toEqual([['lists', 'vendor-db default policy'], ['scopeLimits.us-fcc-covered-list', `${p.path}:2`]]);
    expect(judged(huawei(), p).restriction!.lists.map((l) => l.id)).toEqual(['us-fcc-covered-list', 'us-ndaa-fy2019-sec889']);
  });

  it('not-to-us on every list: not flagged, and why', () => {
    const p = policy('scopeLimits:\n  us-fcc-covered-list: { applies: not-to-us, reason: r }\n  us-ndaa-fy2019-sec889: { applies: not-to-us, reason: r }\n');
    const d = judged(hikvision(), p);
    expect(d.restriction).toBeNull();
    expect(d.decidedBy).toMatchObject({ flagged: false, rows: [{ effect: 'out-of-scope' }, { effect: 'out-of-scope' }] });
  });

  it('to-all-equipment: the finding names the organisation\'s reading of the limit', () => {
    const p = policy('scopeLimits:\n  us-ndaa-fy2019-sec889:\n    applies: to-all-equipment\n    reason: Federal contractor\n');
    const d = judged(hikvision(), p);
    expect(d.restriction!.lists.map((l) => l.id)).toEqual(['us-fcc-covered-list', 'us-ndaa-fy2019-sec889']);
    expect(d.decidedBy!.rules).toContainEqual({
      rule: 'scopeLimits.us-ndaa-fy2019-sec889', at: `${p.path}:3`, text: 'us-ndaa-fy2019-sec889: scope limits apply to all our equipment: Federal contractor',
    });
  });
});
