// The inventory commands' promises about bad input and help, run in a namespace holding only loopback.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliIsolated, requireRoot, tempDir } from './lab-cli.js';

const tmp = tempDir();
beforeAll(requireRoot);
afterAll(tmp.remove);

describe('inventory commands: usage errors', () => {
  it.each([
    ['an unknown findings action', ['findings', 'close', '3'], /"close"/],
    ['findings set without a finding', ['findings', 'set'], /findings set needs a finding/],
    ['an unknown status filter', ['findings', '--status', 'open,closed'], /"closed"/],
    ['a status nobody may set', ['findings', 'set', '1', '--status', 'withdrawn'], /"withdrawn"/],
    ['a malformed expiry date', ['findings', 'set', '1', '--status', 'exception', '--note', 'x', '--expires', '31/03/2027'], /"31\/03\/2027"/],
    ['a malformed --since', ['devices', '--since', 'last week'], /"last week"/],
    ['an unknown device type', ['devices', '--type', 'toaster'], /"toaster"/],
    ['a malformed scan in diff', ['diff', 'first'], /"first"/],
    ['a bad export format', ['export', '--format', 'pdf'], /"pdf"/],
  ])('%s: one line naming the bad value, exit 2, no database created', (_what, args, message) => {
    const db = join(tmp.dir, 'untouched.db');
    const r = cliIsolated([...args, '--db', db]);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^camaudit: /)]);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(existsSync(db)).toBe(false);
  });

  it.each([
    ['diff with no scans', ['diff'], /no scans in .* yet/],
    ['a finding that does not exist', ['findings', 'set', '7', '--status', 'acknowledged'], /no finding 7/],
    ['history of an unknown device', ['history', '198.18.0.77'], /no device "198\.18\.0\.77"/],
  ])('%s on an empty database', (_what, args, message) => {
    const r = cliIsolated([...args, '--db', join(tmp.dir, 'empty.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('lists nothing, politely, on an empty database', () => {
    const db = join(tmp.dir, 'empty.db');
    expect(cliIsolated(['scans', '--db', db]).stdout).toMatch(/No scans in .* yet/);
    expect(JSON.parse(cliIsolated(['scans', '--json', '--db', db]).stdout)).toEqual([]);
    expect(JSON.parse(cliIsolated(['findings', '--json', '--db', db]).stdout)).toEqual([]);
    expect(cliIsolated(['findings', '--db', db]).stdout).toMatch(/No findings/);
  });
});

describe('inventory commands: help', () => {
  it.each([['scans'], ['diff'], ['devices'], ['findings'], ['history'], ['reevaluate'], ['export']])('%s --help teaches by example', (cmd) => {
    const r = cliIsolated([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`\\$ camaudit ${cmd}`));
  });
});
