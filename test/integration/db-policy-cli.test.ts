// The built CLI's `db update`, `db status` and `policy check`, and `scan --policy-file` of the namespace lab.
// The registry is served from 127.0.0.1 by the test (full-size files in the IEEE layout: MA-L, MA-M and
// MA-S generated from oui-data, the real 2022 IAB file); no run ever contacts standards-oui.ieee.org.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportDocument } from '../../src/core/types.js';
import { listNamespaces, startLab, type Lab } from '../../src/lab/netns.js';
import { defaultLab } from '../../src/lab/topology.js';
import { cutShort, fixture, ouiDataCsv, registryRoutes, serveRegistry, type RegistryServer } from '../knowledge/ieee-samples.js';
import { byIp, CLI, cliInLab, cliIsolated, parseExport, requireRoot, tempDir } from './lab-cli.js';

const tmp = tempDir();
const dataDir = join(tmp.dir, 'data');
const registryFile = join(dataDir, 'ieee-registry.json');
let server: RegistryServer;

// Hikvision blocks the first refresh leaves out, so that the second one finds them new.
const LATER = new Set(['2857BE', '00BC99']);
const full = { 'MA-L': ouiDataCsv('MA-L'), 'MA-M': ouiDataCsv('MA-M'), 'MA-S': ouiDataCsv('MA-S'), IAB: fixture('iab.csv') };

/** The built CLI as a child process, so that this process keeps serving the registry meanwhile. */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, CAMAUDIT_DATA_DIR: dataDir, CAMAUDIT_IEEE_URL_BASE: server.base, XDG_CONFIG_HOME: join(tmp.dir, 'config'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  server = await serveRegistry(registryRoutes({ ...full, 'MA-L': ouiDataCsv('MA-L', { omit: LATER }) }));
});
afterAll(async () => {
  await server?.close();
  tmp.remove();
});

// Each `db update` parses ~5 MB of CSV and the shipped registry: seconds on a busy machine.
describe('camaudit db update / db status', { timeout: 120_000 }, () => {
  it('saves a first refresh and reports the Hikvision blocks it lacks against the shipped data', async () => {
    const r = await cli(['db', 'update']);
    expect(r.stderr).toContain(`camaudit: downloading ${server.base}/oui/oui.csv`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Saved the IEEE registry \(MA-L 40,008 · MA-M 6,565 · MA-S 7,155 · IAB 4,575 rows\) to .*ieee-registry\.json\n/);
    expect(r.stdout).toContain('Compared with the shipped oui-data 2.1.9 of 2026-08-26: 53,730 → 58,303 assignments.');
    expect(r.stdout).toMatch(/\n {2}hikvision \(Hangzhou Hikvision Digital Technology Co\., Ltd\.\): 2 withdrawn: 00BC99 2857BE \(now 82\)\n/);
    expect(server.requests).toEqual(['/oui/oui.csv', '/oui28/mam.csv', '/oui36/oui36.csv', '/iab/iab.csv']);
  });

  it('reports the new Hikvision blocks of the next refresh', async () => {
    server.routes = registryRoutes(full);
    const r = await cli(['db', 'update']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Compared with the registry refreshed on \d{4}-\d{2}-\d{2} \(.*ieee-registry\.json\): 58,303 → 58,305 assignments\./);
    expect(r.stdout).toContain('Restricted makers:\n  hikvision (Hangzhou Hikvision Digital Technology Co., Ltd.): 2 new: 00BC99 2857BE (now 84)\n');
    const json = await cli(['db', 'update', '--dry-run', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ saved: false, diff: { entities: [] } });
  });

  it('shows the refreshed registry in db status, dated by its files, with the staleness limit configurable', async () => {
    const r = await cli(['db', 'status', '--json']);
    expect(r.code).toBe(0);
    const [registry] = JSON.parse(r.stdout) as { dataset: string; asOf: string; source: string; warning: string | null }[];
    expect(registry).toMatchObject({ dataset: 'mac-registry', asOf: '2026-12-01' });
    expect(registry!.source).toContain(`from ${server.base}/oui/oui.csv`);
    const table = await cli(['db', 'status', '--max-age', '1'], { CAMAUDIT_DATA_DIR: join(tmp.dir, 'nothing-here') });
    expect(table.stdout).toMatch(/^mac-registry +2026-08-26 +\d+ d +53730 +oui-data 2\.1\.9 \(shipped with camaudit\)$/m);
    expect(table.stdout).toMatch(/^WARNING mac-registry: \d+ days old, more than 1: run `camaudit db update`/m);
  });

  describe('replaces nothing and exits 1 with one line when', () => {
    const rejected = async (routes: Parameters<typeof registryRoutes>[0], message: RegExp) => {
      const before = statSync(registryFile).mtimeMs;
      const content = readFileSync(registryFile, 'utf8');
      server.routes = registryRoutes(routes);
      const r = await cli(['db', 'update', '--json']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
      expect(statSync(registryFile).mtimeMs).toBe(before);
      expect(readFileSync(registryFile, 'utf8')).toBe(content);
    };

    it('a download is cut short', async () => {
      await rejected({ ...full, 'MA-L': cutShort(full['MA-L']) }, /^camaudit: cannot download http:\/\/127\.0\.0\.1:\d+\/oui\/oui\.csv: .*; nothing was replaced$/);
    });

    it('a file holds a malformed row', async () => {
      const broken = full['MA-M'].replace(/\r\nMA-M,([0-9A-F]{7}),/, '\r\nMA-M,$1');
      await rejected({ ...full, 'MA-M': broken }, /^camaudit: http:\/\/127\.0\.0\.1:\d+\/oui28\/mam\.csv: line 2: expected 4 fields, found 3; nothing was replaced$/);
    });

    it('a file ends early at a row boundary (well-formed, but 40 % of the rows are missing)', async () => {
      const rows = full['MA-L'].split('\r\n');
      await rejected({ ...full, 'MA-L': `${rows.slice(0, Math.floor(rows.length * 0.6)).join('\r\n')}\r\n` }, /only 24,?\d{3} MA-L rows|does not shrink/);
    });
  });

  it('reads the registry from a directory with --from, without any download', async () => {
    server.requests.length = 0;
    const from = join(tmp.dir, 'usb');
    mkdirSync(from);
    for (const [name, text] of [['oui.csv', full['MA-L']], ['mam.csv', full['MA-M']], ['oui36.csv', full['MA-S']]] as const) writeFileSync(join(from, name), text);
    const r = await cli(['db', 'update', '--from', from]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Saved the IEEE registry \(MA-L 40,010 · MA-M 6,565 · MA-S 7,155 rows\)/);
    expect(server.requests).toEqual([]);
  });
});

describe('usage errors: one line naming the bad value, exit 2 (run with no network at all)', { timeout: 60_000 }, () => {
  const policyDir = join(tmp.dir, 'policies');
  beforeAll(() => {
    requireRoot();
    mkdirSync(policyDir, { recursive: true });
    writeFileSync(join(policyDir, 'bad.yaml'), 'lists: [us-fcc-covered-list]\nexceptions:\n  - mac: 28:57:be\n    reason: r\n    approver: a\n    expires: 2027-01-01\n');
  });

  it.each([
    ['a missing --from path', ['db', 'update', '--from', '/nonexistent/ieee'], /^camaudit: cannot read --from "\/nonexistent\/ieee": /],
    ['a --url-base that is not http(s)', ['db', 'update', '--url-base', 'ftp://mirror.example'], /"ftp:\/\/mirror\.example"/],
    ['a bad --timeout', ['db', 'update', '--timeout', '2m'], /"2m"/],
    ['a bad --max-age', ['db', 'status', '--max-age', '0'], /invalid --max-age "0"/],
    ['a missing policy file', ['scan', '--policy-file', '/nonexistent/policy.yaml', '198.18.0.1'], /^camaudit: policy file "\/nonexistent\/policy\.yaml" does not exist$/],
    ['an invalid policy file', ['scan', '--policy-file', 'POLICY/bad.yaml', '198.18.0.1'], /^camaudit: invalid policy file: .*bad\.yaml:3: FAIL exceptions\[0\]\.mac: "28:57:be" is not a MAC address; see `camaudit policy check/],
    ['an unknown list with a policy file', ['policy', 'check', '--policy', 'nope'], /"nope"/],
  ])('%s', (_what, args, message) => {
    const r = cliIsolated(args.map((a) => a.replace('POLICY', policyDir)), { CAMAUDIT_DATA_DIR: join(tmp.dir, 'isolated'), XDG_CONFIG_HOME: join(tmp.dir, 'config') });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it('policy check lists every problem of a file as file:line and exits 2', () => {
    writeFileSync(join(policyDir, 'two.yaml'), 'lists: [nope]\nrestrict:\n  - entity: acme\n    reason: r\n');
    const r = cliIsolated(['policy', 'check', '--policy-file', join(policyDir, 'two.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `${join(policyDir, 'two.yaml')}:1: FAIL lists: unknown list "nope"; see \`camaudit lists\``,
      `${join(policyDir, 'two.yaml')}:3: FAIL restrict: unknown entity "acme" (add it under entities:)`,
    ]);
  });
});

describe('camaudit scan --policy-file of the lab', () => {
  let lab: Lab;
  let doc: ExportDocument;
  const db = join(tmp.dir, 'policy.db');
  const policyFile = join(tmp.dir, 'policy.yaml');

  beforeAll(async () => {
    requireRoot();
    writeFileSync(
      policyFile,
      `organisation: Example County IT
scopeLimits:
  us-fcc-covered-list: { applies: not-to-us, reason: "no public-safety or critical-infrastructure use" }
restrict:
  - entity: uniview
    reason: IT security board decision 2026-04
exceptions:
  - mac: 28:57:be:aa:bb:01
    reason: Lobby camera, replacement ordered
    approver: J. Smith (CISO)
    expires: 2027-03-31
`,
    );
    lab = await startLab(defaultLab());
    const r = await cliInLab(lab, ['scan', '198.18.0.0/24', '--db', db, '--policy-file', policyFile, '--json'], { CAMAUDIT_DATA_DIR: join(tmp.dir, 'lab-data'), XDG_CONFIG_HOME: join(tmp.dir, 'config') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    doc = parseExport(r.stdout);
  }, 120_000);

  afterAll(async () => {
    await lab?.stop();
    expect(listNamespaces().filter((ns) => lab && ns.startsWith(lab.prefix))).toEqual([]);
  });

  it('excepts the Hikvision camera by MAC and records why', () => {
    const d = byIp(doc, '198.18.0.11');
    expect(d.flagged).toBe(false);
    expect(d.decidedBy).toEqual({
      flagged: false,
      rules: [
        { rule: 'scopeLimits.us-fcc-covered-list', at: `${policyFile}:3`, text: 'us-fcc-covered-list: scope limits apply not to us: no public-safety or critical-infrastructure use' },
        { rule: 'exceptions[0]', at: `${policyFile}:8`, text: 'exception for MAC 28:57:be:aa:bb:01: Lobby camera, replacement ordered (approved by J. Smith (CISO), until 2027-03-31)' },
      ],
      rows: [
        { list: 'us-fcc-covered-list', row: 'row 4', effect: 'out-of-scope' },
        { list: 'us-ndaa-fy2019-sec889', row: '889(f)(3)(B) Hikvision', effect: 'excepted' },
      ],
    });
  });

  it("flags the organisation's own banned vendor, and purpose-limited makers under §889 only", () => {
    expect(byIp(doc, '198.18.0.18').restriction).toMatchObject({ entity: 'uniview', lists: ['org-policy'] });
    expect(byIp(doc, '198.18.0.12').restriction?.lists).toEqual(['us-ndaa-fy2019-sec889']);
    expect(byIp(doc, '198.18.0.14').restriction?.lists).toEqual(['us-fcc-covered-list', 'us-ndaa-fy2019-sec889']); // Huawei: no scope limit
  });

  it('policy check shows the effective policy of the same file', () => {
    const r = cliIsolated(['policy', 'check', '--policy-file', policyFile], { XDG_CONFIG_HOME: join(tmp.dir, 'config') });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Policy file: ${policyFile} (Example County IT)\nLists (vendor-db default policy):\n  us-fcc-covered-list: `);
    expect(r.stdout).toContain(`Scope limits:\n  us-fcc-covered-list: scope limits apply not to us: no public-safety or critical-infrastructure use (${policyFile}:3)\n`);
    expect(r.stdout).toContain(`Exceptions:\n  exception for MAC 28:57:be:aa:bb:01: Lobby camera, replacement ordered (approved by J. Smith (CISO), until 2027-03-31) (${policyFile}:8)\n`);
  });

  it('explain prints the deciding rules and rows', async () => {
    const r = await cliInLab(lab, ['explain', '198.18.0.11', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Verdict: not flagged: scopeLimits.us-fcc-covered-list (${policyFile}:3), exceptions[0] (${policyFile}:8) set aside the list rows below`);
    expect(r.stdout).toContain('  us-ndaa-fy2019-sec889, 889(f)(3)(B) Hikvision: would flag it, but an exception covers the device');
  });
});
