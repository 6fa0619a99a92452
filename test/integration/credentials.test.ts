// ONVIF credentials from a file, each sent only inside its own CIDRs, and never written anywhere camaudit writes.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileLab } from '../../src/lab/hostile.js';
import type { Lab } from '../../src/lab/netns.js';
import { LAB_ONVIF_CREDENTIALS } from '../../src/lab/topology.js';
import { byIp, cliInLab, parseExport, tempDir, useLab } from './lab-cli.js';

const PASSWORD = LAB_ONVIF_CREDENTIALS.password;
const UNUSED = 'Other-S3cret-never-sent';
// .19 and .31 are the same camera model with the same password; only .19 lies inside the credential's CIDR.
const TARGETS = ['198.18.64.19', '198.18.64.31'];

const getLab = useLab(hostileLab());
let lab: Lab;
beforeAll(() => void (lab = getLab()));
const tmp = tempDir();
afterAll(tmp.remove);

describe('camaudit scan --credentials FILE', () => {
  const db = join(tmp.dir, 'creds.db');
  const file = join(tmp.dir, 'creds.yaml');
  const written: string[] = [];

  beforeAll(async () => {
    writeFileSync(
      file,
      [
        '# ONVIF credentials, each with where it may be sent',
        'onvif:',
        `  - username: ${LAB_ONVIF_CREDENTIALS.username}`,
        `    password: "${PASSWORD}"`,
        '    cidrs: [198.18.64.16/29]',
        '  - username: other',
        `    password: "${UNUSED}"`,
        '    cidrs: [198.18.64.100-120]',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const scan = await cliInLab(lab, ['scan', ...TARGETS, '--db', db, '--credentials', file, '--json']);
    expect(scan.stderr).toBe('');
    expect(scan.code).toBe(0);
    written.push(scan.stdout, scan.stderr);
    for (const args of [['export', '--format', 'json'], ['export', '--format', 'csv'], ['devices', '--json'], ['devices']]) {
      const r = await cliInLab(lab, [...args, '--db', db]);
      expect(r.code).toBe(0);
      written.push(r.stdout, r.stderr);
    }
    const out = join(tmp.dir, 'export.csv');
    expect((await cliInLab(lab, ['export', '--db', db, '--format', 'csv', '-o', out])).code).toBe(0);
    written.push(readFileSync(out, 'latin1'));
    for (const f of readdirSync(tmp.dir).filter((n) => n.startsWith('creds.db'))) written.push(readFileSync(join(tmp.dir, f), 'latin1'));
  }, 120_000);

  it('reads the device inside the credential’s CIDR with it', () => {
    const d = byIp(parseExport(written[0]!), '198.18.64.19');
    expect(d).toMatchObject({ manufacturer: 'dahua', model: 'DH-IPC-HDW1230T2', serial: '6J0A1B2PAZ3C4D5', flagged: true });
    expect(lab.readLog('onvif-auth').some((l) => l.operation === 'GetDeviceInformation' && l.detail.auth === 'ok')).toBe(true);
  });

  it('never offers any credential to the same camera outside that CIDR', () => {
    expect(byIp(parseExport(written[0]!), '198.18.64.31').serial).toBeNull();
    const soap = lab.readLog('auth-elsewhere').filter((l) => l.service === 'onvif');
    expect(soap.length).toBeGreaterThan(0);
    expect(soap.every((l) => l.detail.auth === 'none')).toBe(true);
  });

  it('writes neither password to stdout, stderr, exports or the database files', () => {
    expect(written.length).toBeGreaterThanOrEqual(11);
    for (const text of written) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(UNUSED);
    }
  });
});
