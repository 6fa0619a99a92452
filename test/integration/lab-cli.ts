// Running the real built CLI (bin/camaudit.js under plain node) against the namespace lab, and reading
// what it stored. Needs root and a built dist/ (`npm test` builds first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ExportDocument, ExportDevice } from '../../src/core/types.js';
import { listNamespaces, startLab, type ExecResult, type Lab } from '../../src/lab/netns.js';
import { defaultLab, type LabTopology } from '../../src/lab/topology.js';

export const CLI = fileURLToPath(new URL('../../bin/camaudit.js', import.meta.url));

export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error('integration tests build network namespaces: run them as root (CI does)');
}

/** Starts the default lab before the calling file's tests and stops it after them, checking it left no namespace. */
export function useDefaultLab(): () => Lab {
  return useLab(defaultLab());
}

/** The same for any lab topology (e.g. src/lab/hostile.ts). */
export function useLab(topology: LabTopology): () => Lab {
  let lab: Lab | undefined;
  beforeAll(async () => {
    requireRoot();
    lab = await startLab(topology);
  }, 60_000);
  afterAll(async () => {
    await lab?.stop();
    const prefix = lab?.prefix;
    if (prefix) expect(listNamespaces().filter((ns) => ns.startsWith(prefix))).toEqual([]);
  });
  return () => {
    if (!lab) throw new Error('the lab did not start');
    return lab;
  };
}

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'camaudit-it-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `camaudit <args>` inside the lab's scanner namespace. */
export function cliInLab(lab: Lab, args: readonly string[], env: Record<string, string> = {}): Promise<ExecResult> {
  return lab.nodeInScanner(CLI, args, { timeoutMs: 120_000, env: { CAMAUDIT_DB: '', ...env } });
}

/**
 * `camaudit <args>` in a fresh network namespace that has only a loopback interface (`unshare --net`):
 * for commands that must not reach any network, such as usage-error checks of `scan`.
 */
export function cliIsolated(args: readonly string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('unshare', ['--net', process.execPath, CLI, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, CAMAUDIT_DB: '', ...env },
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function parseExport(stdout: string): ExportDocument {
  return JSON.parse(stdout) as ExportDocument;
}

export function byIp(doc: ExportDocument, ip: string): ExportDevice {
  const d = doc.devices.find((x) => x.ip === ip);
  if (!d) throw new Error(`no device ${ip} in the export (have ${doc.devices.map((x) => x.ip).join(', ')})`);
  return d;
}

/** The CLI's promise for bad input: exit 2, nothing on stdout, one `camaudit: …` line on stderr matching `message`. */
export function expectUsageError(r: { code: number | null; stdout: string; stderr: string }, message: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^camaudit: /);
  expect(lines[0]).toMatch(message);
}
