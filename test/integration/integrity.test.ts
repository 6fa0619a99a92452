// What a scan keeps when it is cut short, and what two processes on one database do to it. The hostile lab's
// tarpit and dripper make every scan here last a few seconds, long enough to interrupt.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_TARGETS, hostileLab } from '../../src/lab/hostile.js';
import type { Lab } from '../../src/lab/netns.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { CLI, byIp, cliInLab, parseExport, tempDir, useLab } from './lab-cli.js';

const getLab = useLab(hostileLab());
let lab: Lab;
beforeAll(() => void (lab = getLab()));
const tmp = tempDir();
afterAll(tmp.remove);

async function latestScan(db: string) {
  const store = await openSqliteStore(db);
  try {
    const scan = await store.getScan('latest');
    return { scan, doc: await store.exportDocument('latest') };
  } finally {
    await store.close();
  }
}

function integrity(db: string): string {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.pragma('integrity_check', { simple: true }) as string;
  } finally {
    conn.close();
  }
}

const until = async (cond: () => boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('SIGTERM in the middle of a scan', () => {
  it('stores what was found as an interrupted scan and exits 130', async () => {
    const db = join(tmp.dir, 'sigterm.db');
    const child = lab.spawnInScanner(process.execPath, [CLI, 'scan', HOSTILE_TARGETS, '--db', db, '--sweep', 'builtin', '--no-progress'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { CAMAUDIT_DB: '' },
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exit = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
    // The tarpit has been reached: discovery is done and per-host probes are waiting on deadlines.
    await until(() => lab.readLog('tarpit').some((l) => l.operation === 'tarpit-accept'), 30_000);
    const t0 = Date.now();
    child.kill('SIGTERM');
    expect(await exit).toBe(130);
    expect(Date.now() - t0).toBeLessThan(6000); // the grace period (2 s), not the probes' deadlines
    expect(stderr).not.toMatch(/internal error/);
    const { scan, doc } = await latestScan(db);
    expect(scan?.status).toBe('interrupted');
    // The tarpit answered the multicast probe together with the cameras: what they said before the signal is kept.
    expect(byIp(doc!, '198.18.64.11').evidence.some((e) => e.source === 'ws-discovery')).toBe(true);
    expect(byIp(doc!, '198.18.64.24')).toBeDefined();
    expect(integrity(db)).toBe('ok');
  }, 60_000);
});

describe('--max-time', () => {
  it('ends the whole scan at the deadline, stores it as interrupted and says so', async () => {
    const db = join(tmp.dir, 'max-time.db');
    const r = await cliInLab(lab, ['scan', HOSTILE_TARGETS, '--db', db, '--sweep', 'builtin', '--max-time', '2s', '--json']);
    expect(r.code).toBe(130);
    expect(r.stderr.trim()).toBe('camaudit: --max-time 2 s reached; what was found is stored as an interrupted scan');
    const { scan } = parseExport(r.stdout);
    expect(scan.status).toBe('interrupted');
    // Timed by the scan itself, so a slow start-up on a busy machine does not count: the deadline plus the grace period.
    expect(Date.parse(scan.finishedAt) - Date.parse(scan.startedAt)).toBeLessThan(2000 + 2000);
    expect((await latestScan(db)).scan?.status).toBe('interrupted');
  }, 60_000);
});

/** `camaudit export` on a new database, in a namespace with no network: it creates and migrates the file. */
function exportIsolated(db: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('unshare', ['--net', process.execPath, CLI, 'export', '--db', db], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('close', () => resolve(stderr));
  });
}

describe('two processes on one database', () => {
  it('creates a new database once when several processes open it at the same moment', async () => {
    for (let round = 0; round < 3; round++) {
      const db = join(tmp.dir, `new-${round}.db`);
      const errors = await Promise.all([1, 2, 3].map(() => exportIsolated(db)));
      for (const e of errors) expect(e.trim()).toMatch(/^camaudit: no scans in .* yet/); // never "table already exists"
      expect(integrity(db)).toBe('ok');
    }
  }, 60_000);

  it('both scans are stored whole when they run at the same time', async () => {
    const db = join(tmp.dir, 'shared.db');
    const [a, b] = await Promise.all(['198.18.64.11', '198.18.64.12'].map((t) => cliInLab(lab, ['scan', t, '--db', db, '--json'])));
    expect([a!.code, b!.code], `${a!.stderr}${b!.stderr}`).toEqual([0, 0]);
    const ids = [parseExport(a!.stdout).scan.id, parseExport(b!.stdout).scan.id].sort();
    expect(ids).toEqual([1, 2]);
    expect(integrity(db)).toBe('ok');
  }, 60_000);

  it('a scan that cannot get the write lock says so on one line, keeps what it found beside it, and the database stays intact', async () => {
    const db = join(tmp.dir, 'locked.db');
    await (await openSqliteStore(db)).close();
    const holder = new Database(db);
    let side = '';
    holder.exec('BEGIN IMMEDIATE'); // another writer, holding the lock past the 5 s busy timeout
    try {
      const r = await cliInLab(lab, ['scan', '198.18.64.14', '--db', db, '--json']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      // Nothing the scan found is lost: it waits in a database of its own beside the locked one.
      const kept = /^camaudit: .*locked\.db is locked by another process .*; the scan was saved to (\S+) instead; add it with: camaudit push --from \1 --to \S+locked\.db$/.exec(lines[0]!);
      expect(kept, lines[0]).not.toBeNull();
      side = kept![1]!;
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(integrity(db)).toBe('ok');
    expect(existsSync(db)).toBe(true);
    const pushed = await cliInLab(lab, ['push', '--from', side, '--to', db, '--json']);
    expect((JSON.parse(pushed.stdout) as { added: unknown[] }).added).toHaveLength(1);
    const store = await openSqliteStore(db);
    const [scan] = await store.listScans();
    expect(scan).toMatchObject({ targets: ['198.18.64.14'], status: 'complete' });
    await store.close();
  }, 60_000);
});
