// `camaudit schedule` and `daemon` flags: usage errors are one line naming the bad value (exit 2) and create
// nothing; a schedule round-trips through add, list and remove. Each command runs in a fresh network namespace
// holding only loopback (`unshare --net`): nothing here may reach a network.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliIsolated, expectUsageError, requireRoot, tempDir } from './lab-cli.js';

const tmp = tempDir();
const secret = join(tmp.dir, 'hook.key');
const readable = join(tmp.dir, 'readable.key');
beforeAll(() => {
  requireRoot();
  writeFileSync(secret, 's3cret\n', { mode: 0o600 });
  writeFileSync(readable, 's3cret\n', { mode: 0o644 });
});
afterAll(tmp.remove);

const add = (...args: string[]) => ['schedule', 'add', 'office', '--cron', '0 3 * * *', '198.18.0.0/24', ...args];

describe('usage errors', () => {
  it.each([
    ['no --cron', ['schedule', 'add', 'office', '198.18.0.0/24'], /--cron/],
    ['a bad cron field', ['schedule', 'add', 'office', '--cron', '0 25 * * *', '198.18.0.0/24'], /"0 25 \* \* \*".*hour/],
    ['a cron expression with a year', ['schedule', 'add', 'office', '--cron', '0 0 3 * * * 2027', '198.18.0.0/24'], /"0 0 3 \* \* \* 2027"/],
    ['an unknown time zone', add('--timezone', 'Europe/Atlantis'), /"Europe\/Atlantis"/],
    ['a bad schedule name', ['schedule', 'add', 'my office', '--cron', '@daily', '198.18.0.0/24'], /"my office"/],
    ['a bad target', ['schedule', 'add', 'office', '--cron', '@daily', '198.18.0.0/33'], /"198\.18\.0\.0\/33"/],
    ['a public target without --allow-public', ['schedule', 'add', 'office', '--cron', '@daily', '8.8.8.8'], /8\.8\.8\.8.*--allow-public/],
    ['an unknown list', add('--policy', 'nope'), /"nope"/],
    ['a webhook that is not http(s)', add('--webhook', 'file:///etc/passwd'), /--webhook "file:\/\/\/etc\/passwd"/],
    ['a missing webhook secret file', add('--webhook', 'http://127.0.0.1:8080/', '--webhook-secret-file', '/nonexistent/key'), /"\/nonexistent\/key"/],
    ['a webhook secret file others can read', add('--webhook', 'http://127.0.0.1:8080/', '--webhook-secret-file', readable), /mode 0644 .*chmod 600/],
    ['a secret file without a webhook', add('--webhook-secret-file', secret), /--webhook-secret-file needs --webhook/],
    ['a bad webhook format', add('--webhook', 'http://127.0.0.1:8080/', '--webhook-format', 'xml'), /"xml"/],
    ['an empty --on-change', add('--on-change', ' '), /--on-change/],
    ['a bad daemon webhook', ['daemon', '--webhook', 'hooks.example.org'], /--webhook "hooks\.example\.org"/],
    ['a bad $CAMAUDIT_WEBHOOK_URL', ['daemon'], /CAMAUDIT_WEBHOOK_URL "ftp:\/\/x"/, { CAMAUDIT_WEBHOOK_URL: 'ftp://x' }],
    ['a bad --limit', ['schedule', 'runs', '--limit', 'all'], /"all"/],
  ])('%s', (_what, args, message, env: Record<string, string> = {}) => {
    const db = join(tmp.dir, 'untouched.db');
    expectUsageError(cliIsolated([...args, '--db', db], env), message);
    expect(existsSync(db)).toBe(false);
  });
});

describe('a schedule round trip', () => {
  const db = join(tmp.dir, 'schedules.db');

  it('is added with its zone, next run and channels, and listed as JSON', () => {
    const r = cliIsolated([...add('--timezone', 'Europe/Berlin', '--webhook', 'http://127.0.0.1:8080/hook', '--webhook-secret-file', secret, '--exclude', '198.18.0.1'), '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^schedule office added: "0 3 \* \* \*" in Europe\/Berlin, next run \d{4}-\d\d-\d\d 03:00:00 (CET|CEST|GMT\+[12]);/);
    const list = cliIsolated(['schedule', 'list', '--json', '--db', db]);
    const [s] = JSON.parse(list.stdout) as Record<string, unknown>[];
    expect(s).toMatchObject({
      name: 'office',
      cron: '0 3 * * *',
      timezone: 'Europe/Berlin',
      targets: ['198.18.0.0/24'],
      settings: { exclude: ['198.18.0.1'], sweep: 'auto', timeout: 1000 },
      channels: [{ kind: 'webhook', url: 'http://127.0.0.1:8080/hook', secretFile: secret, format: 'json' }],
      lastSlot: null,
      lastRun: null,
    });
    expect(Date.parse(s!.nextRun as string)).toBeGreaterThan(Date.now());
    expect(JSON.stringify(s)).not.toContain('s3cret'); // the path is stored, never the secret
  });

  it('refuses a second schedule of the same name (exit 2) and keeps the first', () => {
    const r = cliIsolated(['schedule', 'add', 'office', '--cron', '@hourly', '198.18.0.0/24', '--db', db]);
    expect(r.stderr).toMatch(/^camaudit: schedule "office" exists already/);
    expect(r.code).toBe(2);
    expect(JSON.parse(cliIsolated(['schedule', 'list', '--json', '--db', db]).stdout)[0].cron).toBe('0 3 * * *');
  });

  it('is removed, and removing it again names it', () => {
    expect(cliIsolated(['schedule', 'remove', 'office', '--db', db]).stdout).toBe(`schedule office removed (its scans stay in ${db})\n`);
    const again = cliIsolated(['schedule', 'remove', 'office', '--db', db]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`camaudit: no schedule "office" in ${db}; see \`camaudit schedule list\`\n`);
    expect(JSON.parse(cliIsolated(['schedule', 'list', '--json', '--db', db]).stdout)).toEqual([]);
  });

  it('reports no daemon (exit 1) on a database no daemon has used', () => {
    const r = cliIsolated(['daemon', '--status', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^daemon: not running \(none has ever run on /);
  });
});
