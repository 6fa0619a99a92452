// The CLI's promises about bad input: one line naming the bad value, exit 2, nothing scanned or lost.
// Every `scan` here runs in a fresh network namespace holding only loopback (`unshare --net`), so even
// a check that failed to stop the scan could not reach a network.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { aScanResult } from '../store/builders.js';
import { cliIsolated, expectUsageError, requireRoot, tempDir } from './lab-cli.js';

const tmp = tempDir();
beforeAll(requireRoot);
afterAll(tmp.remove);

// Files holding secrets, each wrong in one way. The password they hold must never appear in the message.
const SECRET = 'S3cret-in-a-file';
function secretFile(name: string, text: string, mode: number): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}
const OPEN_CREDS = secretFile('open.yaml', `onvif:\n  - {username: a, password: "${SECRET}", cidrs: [198.18.0.0/24]}\n`, 0o644);
const BAD_YAML = secretFile('bad.yaml', `onvif:\n  - username: a\n    password: ${SECRET}: x\n`, 0o600);
const NO_CIDRS = secretFile('no-cidrs.json', `{"onvif": [{"username": "a", "password": "${SECRET}"}]}`, 0o600);
const BAD_CIDR = secretFile('bad-cidr.yaml', `onvif:\n  - {username: a, password: "${SECRET}", cidrs: [198.18.0.0/33]}\n`, 0o600);
const OPEN_PW = secretFile('open-pw', `${SECRET}\n`, 0o640);

describe('usage errors', () => {
  it.each([
    ['a malformed address', ['scan', '198.18.0.300'], /"198\.18\.0\.300"/],
    ['a malformed CIDR', ['scan', '198.18.0.0/33'], /"198\.18\.0\.0\/33"/],
    ['a reversed range', ['scan', '198.18.0.20-198.18.0.10'], /"198\.18\.0\.20-198\.18\.0\.10"/],
    ['a target with spaces', ['scan', '198.18.0.1 198.18.0.2'], /spaces/],
    ['more than a /16 without --force', ['scan', '198.18.0.0/15'], /--force/],
    ['a public address without --allow-public', ['scan', '8.8.8.8'], /public address 8\.8\.8\.8.*--allow-public/],
    ['an unknown list in --policy', ['scan', '--policy', 'us-fcc-covered-list,nope', '198.18.0.1'], /"nope"/],
    ['a bad --timeout', ['scan', '--timeout', '10s', '198.18.0.1'], /"10s"/],
    ['a bad --sweep', ['scan', '--sweep', 'fast', '198.18.0.1'], /"fast"/],
    ['an unknown source in --disable', ['scan', '--disable', 'snmp', '198.18.0.1'], /"snmp"/],
    ['--onvif-user without a password', ['scan', '--onvif-user', 'admin', '198.18.0.1'], /CAMAUDIT_ONVIF_PASSWORD/],
    ['a missing password file', ['scan', '--onvif-user', 'admin', '--onvif-password-file', '/nonexistent/pw', '198.18.0.1'], /"\/nonexistent\/pw"/],
    ['no targets and no interface to take them from', ['scan'], /no targets given/],
    ['an unknown option', ['scan', '--frobnicate'], /--frobnicate/],
    ['an unknown command', ['scna'], /scna/],
    ['a bad export format', ['export', '--format', 'xml'], /"xml"/],
    ['a bad scan id', ['export', '--scan', 'last'], /"last"/],
    ['an unreadable credentials file', ['scan', '--credentials', '/nonexistent/creds.yaml', '198.18.0.1'], /cannot read credentials from "\/nonexistent\/creds\.yaml"/],
    ['a credentials file other users can read', ['scan', '--credentials', OPEN_CREDS, '198.18.0.1'], /open\.yaml": mode 0644 lets other users read it; run chmod 600/],
    ['a credentials file that is not YAML or JSON', ['scan', '--credentials', BAD_YAML, '198.18.0.1'], /bad\.yaml": not valid YAML or JSON at line 3/],
    ['a credential without CIDRs', ['scan', '--credentials', NO_CIDRS, '198.18.0.1'], /onvif\[0\]\.cidrs must list/],
    ['a credential with a bad CIDR', ['scan', '--credentials', BAD_CIDR, '198.18.0.1'], /onvif\[0\]\.cidrs\[0\]: invalid target "198\.18\.0\.0\/33"/],
    ['a password file other users can read', ['scan', '--onvif-user', 'admin', '--onvif-password-file', OPEN_PW, '198.18.0.1'], /mode 0640/],
    ['a bad --rate', ['scan', '--rate', 'fast', '198.18.0.1'], /invalid --rate "fast"/],
    ['a --rate beyond the cap', ['scan', '--rate', '1000000', '198.18.0.1'], /at most 100000 probes per second/],
    ['a bad --max-time', ['scan', '--max-time', '10x', '198.18.0.1'], /invalid --max-time "10x"/],
    ['a zero --max-time', ['scan', '--max-time', '0s', '198.18.0.1'], /invalid --max-time "0s"/],
  ])('%s', (_what, args, message) => {
    const db = join(tmp.dir, 'untouched.db');
    const r = cliIsolated([...args, ...(args[0] === 'scan' || args[0] === 'export' ? ['--db', db] : [])]);
    expectUsageError(r, message);
    expect(r.stderr).not.toContain(SECRET);
    expect(existsSync(db)).toBe(false); // refused before anything was created
  });

  it('names an output path it cannot write, on one line', async () => {
    const db = join(tmp.dir, 'one-scan.db');
    const store = await openSqliteStore(db);
    await store.saveScan(aScanResult());
    await store.close();
    const r = cliIsolated(['export', '--db', db, '--format', 'csv', '-o', '/nonexistent/dir/out.csv']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^camaudit: cannot write "\/nonexistent\/dir\/out\.csv"/);
  });

  // scan opens its store once its first packets are out: a database it cannot use must still end it, on one line.
  it.each([['export'], ['scan', '--json', '198.18.0.1']])('refuses a file that is not a camaudit database and leaves it as it was (%s)', (...args) => {
    const file = join(tmp.dir, `notes-${args[0]}.db`);
    writeFileSync(file, 'my notes, not a database\n');
    const r = cliIsolated([...args, '--db', file]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([`camaudit: ${file} is not a SQLite database (file is not a database)`]);
    expect(readFileSync(file, 'utf8')).toBe('my notes, not a database\n');
  });

  it('refuses a database in a directory that does not exist before scanning', () => {
    const r = cliIsolated(['scan', '--db', '/nonexistent/dir/audit.db', '198.18.0.1']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(['camaudit: cannot open database /nonexistent/dir/audit.db: directory /nonexistent/dir does not exist']);
  });

  it('says there is nothing to export yet on an empty database', () => {
    const r = cliIsolated(['export', '--db', join(tmp.dir, 'empty.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no scans in .*empty\.db yet/);
  });
});

describe('help and listings', () => {
  it('teaches by example', () => {
    for (const args of [['--help'], ['scan', '--help'], ['export', '--help'], ['demo', '--help']]) {
      const r = cliIsolated(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\$ (sudo )?(npx )?camaudit /);
    }
  });

  it('prints every list with its citation, and as JSON for scripts', () => {
    const text = cliIsolated(['lists']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/us-fcc-covered-list {2}\[default policy\]/);
    expect(text.stdout).toMatch(/Citation: .*47 U\.S\.C\. 1601/);
    const json = JSON.parse(cliIsolated(['lists', '--json']).stdout) as { id: string; flags: boolean; rows: { entity: string | null }[] }[];
    const fcc = json.find((l) => l.id === 'us-fcc-covered-list')!;
    expect(fcc.rows.map((r) => r.entity)).toEqual(expect.arrayContaining(['huawei', 'zte', 'hytera', 'hikvision', 'dahua']));
    expect(json.filter((l) => !l.flags).map((l) => l.id)).toEqual(expect.arrayContaining(['uk-wms-2022-surveillance', 'au-defence-2023']));
  });
});
