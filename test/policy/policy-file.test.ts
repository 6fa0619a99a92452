// Policy files: what a valid file becomes, and every mistake reported as `file:line: LEVEL message`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { formatProblem } from '../../src/knowledge/problem.js';
import { checkPolicy, loadPolicy, policyFilePath } from '../../src/policy/load.js';

const k = loadKnowledge();
const temp = mkdtempSync(join(tmpdir(), 'camaudit-policy-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const NOW = new Date('2026-12-02T08:00:00Z');

let n = 0;
function policyFile(text: string): string {
  const path = join(temp, `policy-${++n}.yaml`);
  writeFileSync(path, text);
  return path;
}

/** Every problem of a file, with its path shortened to "policy.yaml". */
function problems(text: string): string[] {
  const path = policyFile(text);
  return checkPolicy({ policyFile: path, now: NOW }, k).problems.map((p) => formatProblem(p).replace(path, 'policy.yaml'));
}

const VALID = `# Example County IT: a federal contractor that also bans one vendor of its own.
organisation: Example County IT
lists: [us-fcc-covered-list, us-ndaa-fy2019-sec889, ca-qc-arrete-2023]
scopeLimits:
  us-ndaa-fy2019-sec889:
    applies: to-all-equipment
    reason: Federal contractor; FAR 52.204-25 covers all equipment we use
entities:
  - id: espressif
    name: Espressif Systems
    aliases: [Espressif]
    ouiOrgNames: [Espressif Inc.]
restrict:
  - entity: espressif
    reason: IT security board decision 2026-04
exceptions:
  - serial: 2J01018PAA00813
    reason: Evidence-room camera; replacement ordered
    approver: J. Smith (CISO)
    expires: 2027-03-31
  - model: ^DS-2CD2385
    reason: Lab camera, isolated VLAN
    approver: J. Smith (CISO)
    expires: 2026-01-31
`;

describe('a valid policy file', () => {
  it('becomes the lists, scope rules, added makers, restrictions and exceptions it writes, each with its line', () => {
    const path = policyFile(VALID);
    const { problems: found, policy } = checkPolicy({ policyFile: path, now: NOW }, k);
    expect(found.map(formatProblem)).toEqual([`${path}:24: WARN exceptions[1]: expired on 2026-01-31; ignored`]);
    expect(policy!.lists.map((l) => l.id)).toEqual(['us-fcc-covered-list', 'us-ndaa-fy2019-sec889', 'ca-qc-arrete-2023']);
    expect(policy!.chosenBy).toEqual({ rule: 'lists', at: `${path}:3`, text: 'lists chosen: us-fcc-covered-list, us-ndaa-fy2019-sec889, ca-qc-arrete-2023' });
    expect(policy!.scope).toEqual([
      {
        list: 'us-ndaa-fy2019-sec889', applies: 'to-all-equipment', reason: 'Federal contractor; FAR 52.204-25 covers all equipment we use',
        ref: { rule: 'scopeLimits.us-ndaa-fy2019-sec889', at: `${path}:6`, text: 'us-ndaa-fy2019-sec889: scope limits apply to all our equipment: Federal contractor; FAR 52.204-25 covers all equipment we use' },
      },
    ]);
    expect(policy!.knowledge.entities.get('espressif')).toMatchObject({ name: 'Espressif Systems', ouiOrgNames: ['Espressif Inc.'] });
    expect(policy!.knowledge.ouiOrgToEntity.get('Espressif Inc.')).toBe('espressif');
    expect(k.entities.has('espressif')).toBe(false); // vendor-db itself is not changed
    expect(policy!.restrict.map((r) => r.ref)).toEqual([{ rule: 'restrict[0]', at: `${path}:14`, text: 'restricts entity espressif and its subsidiaries and affiliates: IT security board decision 2026-04' }]);
    expect(policy!.exceptions.map((e) => [e.ref.rule, e.ref.at, e.expires])).toEqual([
      ['exceptions[0]', `${path}:17`, '2027-03-31'],
      ['exceptions[1]', `${path}:21`, '2026-01-31'],
    ]);
    expect(policy!.organisation).toBe('Example County IT');
  });

  it('gives way to --policy for the lists, and says so', () => {
    const policy = loadPolicy({ policyFile: policyFile(VALID), policyIds: ['ca-qc-arrete-2023'], now: NOW }, k);
    expect(policy.lists.map((l) => l.id)).toEqual(['ca-qc-arrete-2023']);
    expect(policy.chosenBy.at).toBe('--policy');
    expect(policy.exceptions).toHaveLength(2); // the rest of the file still applies
  });

  it('is the vendor-db default when it is empty', () => {
    const policy = loadPolicy({ policyFile: policyFile('# nothing yet\n'), now: NOW }, k);
    expect(policy.lists.map((l) => l.id)).toEqual(['us-fcc-covered-list', 'us-ndaa-fy2019-sec889']);
    expect(policy.chosenBy.at).toBe('vendor-db default policy');
  });
});

describe('policy file problems, each at its line', () => {
  it('YAML syntax', () => {
    expect(problems('lists: [us-fcc-covered-list\nexceptions:\n')).toEqual([expect.stringMatching(/^policy\.yaml:[23]: FAIL YAML: /)]);
  });

  it('schema: a misspelt key, a missing approver, an unknown scope setting, a malformed expiry', () => {
    expect(problems('list: [us-fcc-covered-list]\n')).toEqual(['policy.yaml:1: FAIL schema: list: unknown property']);
    expect(problems('exceptions:\n  - serial: X1\n    reason: r\n    expires: 2027-01-01\n')).toEqual([
      'policy.yaml:2: FAIL schema: exceptions.0: missing required property "approver"',
    ]);
    expect(problems('scopeLimits:\n  us-fcc-covered-list:\n    applies: sometimes\n    reason: r\n')).toEqual([
      'policy.yaml:3: FAIL schema: scopeLimits.us-fcc-covered-list.applies: must be one of ["to-all-equipment","as-listed","not-to-us"]',
    ]);
    expect(problems('exceptions:\n  - ip: 198.18.0.5\n    reason: r\n    approver: a\n    expires: 31/12/2027\n')).toEqual([
      'policy.yaml:5: FAIL schema: exceptions.0.expires: must match pattern "^\\d{4}-\\d{2}-\\d{2}$"',
    ]);
  });

  it('references: unknown lists and entities, a restriction of two things, an entity vendor-db already has', () => {
    expect(problems('lists:\n  - us-fcc-covered-list\n  - us-fcc-coverd-list\n')).toEqual(['policy.yaml:3: FAIL lists: unknown list "us-fcc-coverd-list"; see `camaudit lists`']);
    expect(problems('restrict:\n  - entity: acme\n    reason: r\n')).toEqual(['policy.yaml:2: FAIL restrict: unknown entity "acme" (add it under entities:)']);
    expect(problems('restrict:\n  - entity: axis\n    brand: axis\n    reason: r\n')).toEqual(['policy.yaml:2: FAIL restrict: give exactly one of entity or brand']);
    expect(problems('entities:\n  - id: axis\n    name: Axis again\n')).toEqual(['policy.yaml:2: FAIL entities: "axis" is already an entity in vendor-db']);
    expect(problems('entities:\n  - id: acme\n    name: ACME\n    aliases: [HIKVISION]\n')).toEqual(['policy.yaml:4: FAIL entities: alias "HIKVISION" already belongs to "hikvision"']);
    expect(problems('entities:\n  - id: acme\n    name: ACME\n    parent: nobody\n    relation: subsidiary\n    relationConfidence: high\n')).toEqual([
      'policy.yaml:4: FAIL entities: unknown parent "nobody"',
    ]);
    expect(problems('scopeLimits:\n  nope:\n    applies: not-to-us\n    reason: r\n')).toEqual(['policy.yaml:3: FAIL scopeLimits: unknown list "nope"']);
  });

  it('exceptions: nothing to match, a bad MAC, IP, pattern or date, an unknown entity', () => {
    const ex = (body: string) => problems(`exceptions:\n  - ${body}\n    reason: r\n    approver: a\n    expires: 2027-01-01\n`);
    expect(ex('mac: 28:57:be:aa:bb')).toEqual(['policy.yaml:2: FAIL exceptions[0].mac: "28:57:be:aa:bb" is not a MAC address']);
    expect(ex('ip: 198.18.0.0/33')).toEqual(['policy.yaml:2: FAIL exceptions[0].ip: "198.18.0.0/33" is not an IPv4 address, CIDR or range']);
    expect(ex('model: "DS-2CD(("')).toEqual([expect.stringMatching(/^policy\.yaml:2: FAIL exceptions\[0\]\.model: invalid regular expression/)]);
    expect(ex('entity: hikvison')).toEqual(['policy.yaml:2: FAIL exceptions[0].entity: unknown entity "hikvison"']);
    expect(problems('exceptions:\n  - serial: X\n    reason: r\n    approver: a\n    expires: 2027-02-30\n')).toEqual(['policy.yaml:5: FAIL exceptions[0].expires: 2027-02-30 is not a date']);
  });

  it('an exception that names nothing to match', () => {
    expect(problems('exceptions:\n  - reason: r\n    approver: a\n    expires: 2027-01-01\n')).toEqual([
      'policy.yaml:2: FAIL exceptions[0]: name what it covers: one or more of entity, brand, model, serial, mac, ip',
    ]);
  });

  it('warnings that do not stop a scan: a context-only list, a scope setting that changes nothing', () => {
    expect(problems('lists: [us-fcc-covered-list, uk-wms-2022-surveillance]\nscopeLimits:\n  uk-wms-2022-surveillance: { applies: not-to-us, reason: r }\n')).toEqual([
      'policy.yaml:1: WARN lists: uk-wms-2022-surveillance is context only and flags nothing on its own',
      'policy.yaml:3: WARN scopeLimits: no equipment row of uk-wms-2022-surveillance has a scope limit, so "not-to-us" changes nothing',
    ]);
  });
});

describe('loadPolicy', () => {
  it('refuses a file with a FAIL in one line naming the first problem, the count of the rest, and how to see them', () => {
    const path = policyFile('lists: [nope]\nrestrict:\n  - entity: acme\n    reason: r\n');
    let err: unknown;
    try {
      loadPolicy({ policyFile: path, now: NOW }, k);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const message = (err as Error).message;
    expect(message).toBe(`invalid policy file: ${path}:1: FAIL lists: unknown list "nope"; see \`camaudit lists\` (and 1 more problem); see \`camaudit policy check --policy-file ${path}\``);
  });

  it('refuses a named file that does not exist', () => {
    expect(() => loadPolicy({ policyFile: join(temp, 'missing.yaml') }, k)).toThrow(/policy file ".*missing\.yaml" does not exist/);
  });

  it('finds the file: the named one, else $CAMAUDIT_POLICY_FILE, else the default location when a file is there', () => {
    const config = join(temp, 'config');
    expect(policyFilePath({}, { XDG_CONFIG_HOME: config })).toBeNull();
    mkdirSync(join(config, 'camaudit'), { recursive: true });
    writeFileSync(join(config, 'camaudit', 'policy.yaml'), 'lists: [us-fcc-covered-list]\n');
    expect(policyFilePath({}, { XDG_CONFIG_HOME: config })).toBe(join(config, 'camaudit', 'policy.yaml'));
    expect(policyFilePath({}, { XDG_CONFIG_HOME: config, CAMAUDIT_POLICY_FILE: '/etc/camaudit.yaml' })).toBe('/etc/camaudit.yaml');
    expect(policyFilePath({ policyFile: 'mine.yaml' }, { CAMAUDIT_POLICY_FILE: '/etc/camaudit.yaml' })).toBe('mine.yaml');
    expect(policyFilePath({ policyFile: null }, { CAMAUDIT_POLICY_FILE: '/etc/camaudit.yaml' })).toBeNull();
  });
});
