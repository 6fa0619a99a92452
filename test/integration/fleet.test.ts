// A fleet end to end: sensor processes in the lab's scanner namespace scan at the same time and write to one
// PostgreSQL server in the host namespace, reaching it through its unix socket (a path, so it crosses
// network namespaces); an offline site's SQLite file is pushed in twice; the inventory is read back by site.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportDevice, StoredScan } from '../../src/core/types.js';
import { startPgCluster, type PgCluster } from '../../src/lab/postgres.js';
import { CLI, cliInLab, cliIsolated, expectUsageError, tempDir, useDefaultLab } from './lab-cli.js';

const lab = useDefaultLab();
const tmp = tempDir();
let pg: PgCluster;
let central: string;

beforeAll(async () => {
  pg = await startPgCluster();
  central = pg.socketUrl(pg.createDatabase('fleet'));
}, 60_000);

afterAll(() => {
  pg?.stop();
  tmp.remove();
});

/** The CLI in the host namespace: commands that read the database and send nothing to any network. */
function cli(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CAMAUDIT_DB: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json<T>(args: readonly string[]): T {
  const r = cli(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** One CSV record's cells (RFC 4180 quoting; the lab's devices have no line breaks in their strings). */
function csvCells(line: string): string[] {
  return [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1]!.replace(/^"|"$/g, '').replaceAll('""', '"'));
}

const SENSORS = [
  { site: 'berlin', sensor: 'berlin-a' },
  { site: 'berlin', sensor: 'berlin-b' },
  { site: 'lyon', sensor: 'lyon-a' },
  { site: 'lyon', sensor: 'lyon-b' },
];

describe('a fleet of sensors writing to one PostgreSQL inventory', () => {
  let perSensor: number[];

  beforeAll(async () => {
    const runs = await Promise.all(
      SENSORS.map(({ site, sensor }) => cliInLab(lab(), ['scan', '198.18.0.0/24', '--sweep', 'builtin', '--db', central, '--site', site, '--sensor', sensor, '--json'])),
    );
    for (const r of runs) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    perSensor = runs.map((r) => (JSON.parse(r.stdout) as { devices: unknown[] }).devices.length);
  }, 180_000);

  it('stores every sensor\'s scan, whole, with its site and sensor', () => {
    const scans = json<(StoredScan & { devices: number })[]>(['scans', '--db', central, '--json']);
    expect(scans.map((s) => [s.site, s.sensor]).sort()).toEqual(SENSORS.map((s) => [s.site, s.sensor]).sort());
    expect(scans.map((s) => s.devices).sort()).toEqual([...perSensor].sort());
    expect(perSensor.every((n) => n >= 8)).toBe(true); // the lab's first segment: cameras, NVR, radios, router
  });

  it('keeps one device per physical device per site, however many sensors saw it', () => {
    const berlin = json<ExportDevice[]>(['devices', '--db', central, '--site', 'berlin', '--json']);
    const lyon = json<ExportDevice[]>(['devices', '--db', central, '--site', 'lyon', '--json']);
    expect(berlin.length).toBe(Math.max(perSensor[0]!, perSensor[1]!));
    expect(new Set(berlin.map((d) => d.ip)).size).toBe(berlin.length);
    expect(lyon.map((d) => d.ip).sort()).toEqual(berlin.map((d) => d.ip).sort()); // same lab, two sites: two inventories
    expect(new Set([...berlin, ...lyon].map((d) => d.assetId)).size).toBe(berlin.length + lyon.length);
    expect(berlin.find((d) => d.ip === '198.18.0.11')).toMatchObject({ site: 'berlin', flagged: true, restriction: { entity: 'hikvision' } });
  });

  it('uploads an offline site\'s scans with push, once', async () => {
    const file = join(tmp.dir, 'depot.db');
    const r = await cliInLab(lab(), ['scan', '198.18.0.0/24', '--sweep', 'builtin', '--db', file, '--site', 'depot', '--json']);
    expect(r.code).toBe(0);
    const first = json<{ added: unknown[]; skipped: unknown[] }>(['push', '--from', file, '--to', central, '--json']);
    const again = json<{ added: unknown[]; skipped: unknown[] }>(['push', '--from', file, '--to', central, '--json']);
    expect([first.added.length, first.skipped.length, again.added.length, again.skipped.length]).toEqual([1, 0, 0, 1]);
    const depot = json<StoredScan[]>(['scans', '--db', central, '--site', 'depot', '--json']);
    expect(depot).toHaveLength(1);
    expect(json<ExportDevice[]>(['devices', '--db', central, '--site', 'depot', '--json']).length).toBe((JSON.parse(r.stdout) as { devices: unknown[] }).devices.length);
  }, 120_000);

  it('writes the site into the CSV export', () => {
    const r = cli(['export', '--db', central, '--format', 'csv', '--flagged', '--site', 'lyon']);
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\r\n').map(csvCells);
    const site = header!.indexOf('site');
    expect(site).toBeGreaterThan(-1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((row) => row[site])).toEqual(rows.map(() => 'lyon'));
  });

  it('summarises the inventory per site as CSV, matching each site\'s device list', () => {
    const r = cli(['export', '--db', central, '--format', 'csv', '--by-site']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\r\n').map(csvCells);
    expect(header).toEqual(['site', 'devices', 'flagged', 'open_findings']);
    expect(rows.map((row) => row[0])).toEqual(['berlin', 'depot', 'lyon']);
    for (const [site, devices, flagged] of rows) {
      const listed = json<ExportDevice[]>(['devices', '--db', central, '--site', site!, '--json']);
      expect([Number(devices), Number(flagged)]).toEqual([listed.length, listed.filter((d) => d.flagged).length]);
    }
    expect(cli(['export', '--db', central, '--format', 'html', '--by-site'])).toMatchObject({ code: 2, stdout: '' });
  });

  it('refuses a password in the database URL, without printing it', () => {
    const r = cliIsolated(['scans', '--db', 'postgres://sensor:hunter2@127.0.0.1/camaudit']);
    expectUsageError(r, /refusing the password in postgres:\/\/sensor:\*\*\*@127\.0\.0\.1\/camaudit: give it in PGPASSWORD or ~\/\.pgpass/);
    expect(r.stderr).not.toContain('hunter2');
  });
});
