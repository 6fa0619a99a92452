// Credentials files and the rule that picks at most one credential per device, inside its CIDRs.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { parseTargets } from '../../src/core/targets.js';
import { onvifCredentials, readCredentialsFile } from '../../src/cli/credentials.js';
import { credentialFor } from '../../src/sources/credentials.js';
import { tempDir } from '../integration/lab-cli.js';

const tmp = tempDir();
afterAll(tmp.remove);

function file(name: string, text: string, mode = 0o600): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

const YAML = `# site credentials
onvif:
  - username: cams
    password: "p1: with a colon"
    cidrs: [198.18.0.0/24, 198.19.1.10-20]
  - username: lobby
    password: p2
    cidrs:
      - 198.18.0.11
`;

describe('credentials files', () => {
  it('reads YAML and JSON alike, in file order, with the ranges each may be sent to', () => {
    const fromYaml = readCredentialsFile(file('c.yaml', YAML));
    const fromJson = readCredentialsFile(
      file('c.json', JSON.stringify({ onvif: [{ username: 'cams', password: 'p1: with a colon', cidrs: ['198.18.0.0/24', '198.19.1.10-20'] }, { username: 'lobby', password: 'p2', cidrs: ['198.18.0.11'] }] })),
    );
    expect(fromJson).toEqual(fromYaml);
    expect(fromYaml.map((c) => [c.username, c.password, c.ranges.length])).toEqual([
      ['cams', 'p1: with a colon', 2],
      ['lobby', 'p2', 1],
    ]);
  });

  it.each([
    ['an unknown section', 'snmp: []\n', /unknown section "snmp"/],
    ['an empty list', 'onvif: []\n', /non-empty list/],
    ['a misspelt key', 'onvif:\n  - {username: a, pasword: b, cidrs: [198.18.0.1]}\n', /onvif\[0\] has an unknown key "pasword"/],
    ['a number for a password', 'onvif:\n  - {username: a, password: 1234, cidrs: [198.18.0.1]}\n', /onvif\[0\]\.password must be a non-empty string/],
    ['a duplicate key', 'onvif:\n  - {username: a, password: b, password: c, cidrs: [198.18.0.1]}\n', /not valid YAML or JSON at line 2 \(DUPLICATE_KEY\)/],
  ])('refuses %s, naming the field and never a value', (_what, text, message) => {
    const path = file('bad.yaml', text);
    let err: unknown;
    try {
      readCredentialsFile(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).not.toMatch(/1234|password: [bc]\b/);
  });

  it('puts the file’s credentials first and the environment’s last, limited to the scan targets', () => {
    process.env.CAMAUDIT_ONVIF_PASSWORD = 'from-env';
    try {
      const list = onvifCredentials({ credentials: file('c2.yaml', YAML), onvifUser: 'env-user' }, parseTargets(['198.18.0.0/23']));
      expect(list.map((c) => c.username)).toEqual(['cams', 'lobby', 'env-user']);
      expect(credentialFor(list, '198.18.0.11')).toEqual({ username: 'cams', password: 'p1: with a colon' });
      expect(credentialFor(list, '198.19.1.15')).toEqual({ username: 'cams', password: 'p1: with a colon' });
      expect(credentialFor(list, '198.18.1.7')).toEqual({ username: 'env-user', password: 'from-env' });
      expect(credentialFor(list, '198.19.1.9')).toBeNull(); // outside every credential's ranges: none is offered
      expect(credentialFor([], '198.18.0.11')).toBeNull();
    } finally {
      delete process.env.CAMAUDIT_ONVIF_PASSWORD;
    }
  });
});
