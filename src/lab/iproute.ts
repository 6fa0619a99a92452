// iproute2 calls of the lab, always with argument arrays (no shell). Every call that changes anything names a lab
// namespace (`ip -n <ns>`, `ip netns exec <ns>`) or creates/deletes one, so the host's own network namespace is
// never touched.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from './errors.js';

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

export function run(cmd: string, args: readonly string[], input?: string): RunResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15_000, input, stdio: ['pipe', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ...(r.error ? { error: r.error } : {}) };
}

const BATCH_SAFE = /^[\w.:/@-]+$/;

/**
 * Runs `ip [-n ns] -batch -` with one command per line (fewer processes than one `ip` per command). Arguments
 * are checked to contain no whitespace or quotes, so each line splits back into exactly the array given. On failure
 * the error names the failing command as a single `ip` call would.
 */
export function ipBatch(ns: string | null, cmds: readonly (readonly string[])[]): void {
  if (cmds.length === 0) return;
  for (const c of cmds) for (const a of c) if (!BATCH_SAFE.test(a)) throw new LabError(`unsafe ip argument ${JSON.stringify(a)}`);
  const args = [...(ns ? ['-n', ns] : []), '-batch', '-'];
  const r = run('ip', args, `${cmds.map((c) => c.join(' ')).join('\n')}\n`);
  if (r.error) throw new LabError(`cannot run ip ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    const m = /Command failed -:(\d+)/.exec(r.stderr);
    const bad = m ? cmds[Number(m[1]) - 1] : undefined;
    const what = bad ? [...(ns ? ['-n', ns] : []), ...bad].join(' ') : args.join(' ');
    throw new LabError(`ip ${what} failed (${r.status}): ${r.stderr.replace(/Command failed -:\d+/, '').trim()}`);
  }
}

const SYSCTL = ['/usr/sbin/sysctl', '/sbin/sysctl', '/usr/bin/sysctl', '/bin/sysctl'].find((p) => existsSync(p)) ?? 'sysctl';

/** Sets net.* sysctls inside a lab namespace (they are per namespace, so the host's stay as they are). */
export function sysctlIn(ns: string, settings: readonly string[]): void {
  if (settings.length === 0) return;
  const r = run('ip', ['netns', 'exec', ns, SYSCTL, '-q', '-w', ...settings]);
  if (r.status === 0) return;
  // No sysctl binary: write /proc/sys from node inside the namespace (/proc/sys/net follows the netns).
  const script =
    "const fs=require('fs');" +
    `for(const s of process.argv.slice(1)){const[k,v]=s.split('=');fs.writeFileSync('/proc/sys/'+k.replace(/\\./g,'/'),v)}`;
  const r2 = run('ip', ['netns', 'exec', ns, process.execPath, '-e', script, ...settings]);
  if (r2.status !== 0) throw new LabError(`sysctl ${settings.join(' ')} in ${ns} failed: ${r.stderr.trim() || r2.stderr.trim()}`);
}

/** Names of every named network namespace on the machine (`ip netns list`). */
export function listNamespaces(): string[] {
  const r = run('ip', ['netns', 'list']);
  if (r.status !== 0) return [];
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

const NETNS_DIR = '/run/netns';

/**
 * Processes in any of the named namespaces, in one pass over /proc: what `ip netns pids` does (compare each
 * process's /proc/<pid>/ns/net with the namespace file's inode), without one `ip` process per namespace.
 */
export function pidsInNamespaces(names: readonly string[]): number[] {
  const links = new Set<string>();
  for (const n of names) {
    try {
      links.add(`net:[${statSync(join(NETNS_DIR, n)).ino}]`);
    } catch {
      /* already deleted */
    }
  }
  if (links.size === 0) return [];
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (links.has(readlinkSync(`/proc/${e}/ns/net`))) out.push(Number(e));
    } catch {
      /* exited meanwhile, or a kernel thread */
    }
  }
  return out;
}

/** Deletes the named namespaces with one `ip -force -batch` (it goes on past a failing line). Returns problems. */
export function deleteNamespaces(names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const r = run('ip', ['-force', '-batch', '-'], `${names.map((n) => `netns del ${n}`).join('\n')}\n`);
  if (r.error) return [`cannot run ip netns del: ${r.error.message}`];
  return r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/No such file|^Command failed/.test(l));
}
