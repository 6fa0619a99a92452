// Where a scan's ONVIF credentials come from, and the only addresses each may be sent to:
// - the environment: --onvif-user with $CAMAUDIT_ONVIF_PASSWORD or --onvif-password-file; sent to the scan targets;
// - --credentials FILE (YAML or JSON), one entry per credential with the CIDRs it may be sent to:
//     onvif:
//       - username: audit
//         password: "…"
//         cidrs: [192.168.1.0/24, 10.0.5.10-20]
// Never a plain flag (shell history, ps). Files holding secrets must be private to their owner (chmod 600).
// No message here ever quotes a file's content: a YAML error names its line, a bad entry names its field.
import { readFileSync, statSync } from 'node:fs';
import { UsageError, errorMessage } from '../core/errors.js';
import { lazyRequire } from '../core/lazy-require.js';
import { parseSpec, type TargetSet } from '../core/targets.js';
import type { ScopedCredentials } from '../sources/types.js';

// Only a scan given --credentials reads YAML here (loading the package costs ~50 ms).
const yaml = lazyRequire<typeof import('yaml')>('yaml');

export interface CredentialSettings {
  readonly onvifUser?: string;
  /** A path, never the password. */
  readonly onvifPasswordFile?: string;
  /** A path, never the passwords. */
  readonly credentials?: string;
}

export const ONVIF_PASSWORD_ENV = 'CAMAUDIT_ONVIF_PASSWORD';

/** Reads a file that holds secrets: a regular file that only its owner may read (mode 0600 or stricter). */
export function readPrivateFile(path: string, what: string): string {
  const quoted = JSON.stringify(path);
  let mode: number;
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a regular file');
    mode = st.mode & 0o777;
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} from ${quoted}: ${errorMessage(err)}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new UsageError(`refusing ${what} in ${quoted}: mode ${mode.toString(8).padStart(4, '0')} lets other users read it; run chmod 600 ${quoted}`);
  }
  return text;
}

function environmentCredential(s: CredentialSettings, targets: TargetSet): ScopedCredentials | null {
  if (!s.onvifUser) {
    if (s.onvifPasswordFile) throw new UsageError('--onvif-password-file needs --onvif-user');
    return null;
  }
  const password = s.onvifPasswordFile
    ? (readPrivateFile(s.onvifPasswordFile, 'the ONVIF password').split(/\r?\n/)[0] ?? '')
    : process.env[ONVIF_PASSWORD_ENV];
  if (!password) {
    throw new UsageError(
      s.onvifPasswordFile
        ? `the ONVIF password file ${JSON.stringify(s.onvifPasswordFile)} is empty`
        : `--onvif-user needs a password: set ${ONVIF_PASSWORD_ENV} or pass --onvif-password-file FILE`,
    );
  }
  return { username: s.onvifUser, password, ranges: targets.ranges };
}

const ENTRY_KEYS = new Set(['username', 'password', 'cidrs']);

function lineOf(text: string, offset: number | undefined): number {
  return offset === undefined ? 1 : text.slice(0, offset).split('\n').length;
}

/** The `onvif` entries of a credentials file, in file order. */
export function readCredentialsFile(path: string): ScopedCredentials[] {
  const text = readPrivateFile(path, 'credentials');
  const bad = (why: string) => new UsageError(`credentials file ${JSON.stringify(path)}: ${why}`);
  const doc = yaml().parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) throw bad(`not valid YAML or JSON at line ${lineOf(text, first.pos[0])} (${first.code})`);
  const root: unknown = doc.toJS();
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw bad('expected a mapping with an "onvif" list');
  for (const key of Object.keys(root)) {
    if (key !== 'onvif') throw bad(`unknown section ${JSON.stringify(key.slice(0, 40))} (only "onvif" is supported)`);
  }
  const list: unknown = (root as Record<string, unknown>).onvif;
  if (!Array.isArray(list) || list.length === 0) throw bad('"onvif" must be a non-empty list of {username, password, cidrs}');
  return list.map((entry: unknown, i) => {
    const at = `onvif[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw bad(`${at} must be a mapping of username, password and cidrs`);
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) if (!ENTRY_KEYS.has(key)) throw bad(`${at} has an unknown key ${JSON.stringify(key.slice(0, 40))}`);
    if (typeof e.username !== 'string' || !e.username) throw bad(`${at}.username must be a non-empty string`);
    if (typeof e.password !== 'string' || !e.password) throw bad(`${at}.password must be a non-empty string`);
    if (!Array.isArray(e.cidrs) || e.cidrs.length === 0) throw bad(`${at}.cidrs must list the addresses, CIDRs or ranges it may be sent to`);
    const ranges = e.cidrs.map((c: unknown, k) => {
      if (typeof c !== 'string') throw bad(`${at}.cidrs[${k}] must be a string`);
      try {
        return parseSpec(c);
      } catch (err) {
        throw bad(`${at}.cidrs[${k}]: ${errorMessage(err)}`);
      }
    });
    return { username: e.username, password: e.password, ranges };
  });
}

/** Every credential of a scan, most specific first: the file's (their own CIDRs), then the environment's (the targets). */
export function onvifCredentials(s: CredentialSettings, targets: TargetSet): ScopedCredentials[] {
  const fromFile = s.credentials ? readCredentialsFile(s.credentials) : [];
  const fromEnv = environmentCredential(s, targets);
  return fromEnv ? [...fromFile, fromEnv] : fromFile;
}
