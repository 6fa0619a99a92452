// Lab names, who owns a lab, and tearing labs down: the lab's own stop(), the signal/exit handlers and
// removeStaleLabs() all end in teardownPrefix().
//
// A lab's prefix is `calab-<owner pid>-t<owner start>-<4 hex>`, where <owner start> is the owner's start time in
// clock ticks since boot (/proc/<pid>/stat field 22). Its namespaces are `<prefix>-<host>`, its default dir
// `<tmpdir>/<prefix>-XXXXXX`. A lab is stale when no live process has that pid AND that start time: the start time
// tells a reused pid (containers count pids from 1 again) from the owner, without comparing clocks.

import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteNamespaces, listNamespaces, pidsInNamespaces } from './iproute.js';

export const LAB_PREFIX_FAMILY = 'calab-';
const PREFIX_RE = /^(calab-(\d+)-t(\d+)-[0-9a-f]{4})(?:-|$)/;

/** Fields of /proc/<pid>/stat after the command name (index 0 is field 3, the state); null when gone. */
function procStat(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Alive and not a zombie (a zombie is dead: it only waits to be reaped by its parent). */
export function processAlive(pid: number): boolean {
  const state = procStat(pid)?.[0];
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** When `pid` started, in clock ticks since boot (field 22); null when it is gone. */
export function processStartTicks(pid: number): string | null {
  return procStat(pid)?.[19] ?? null;
}

/** A prefix no namespace uses yet (two labs of one process could otherwise draw the same 16 random bits). */
export function newPrefix(): string {
  const taken = listNamespaces();
  const owner = `${LAB_PREFIX_FAMILY}${process.pid}-t${processStartTicks(process.pid) ?? 0}`;
  for (;;) {
    const prefix = `${owner}-${randomBytes(2).toString('hex')}`;
    if (!taken.some((n) => n.startsWith(`${prefix}-`))) return prefix;
  }
}

/** The prefix of a lab namespace or dir name whose owner is gone; null for live labs and other names. */
function stalePrefix(name: string): string | null {
  const m = PREFIX_RE.exec(name);
  if (!m) return null;
  const pid = Number(m[2]);
  return processAlive(pid) && processStartTicks(pid) === m[3] ? null : m[1]!;
}

const sleepBuf = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleepBuf, 0, 0, ms);
}

function signalAll(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    if (pid === process.pid) continue; // never ourselves, even if we were started inside a lab namespace
    try {
      process.kill(pid, sig);
    } catch {
      /* gone already */
    }
  }
}

/** Waits up to `ms` for `pids` to die; returns those still alive. */
function waitDead(pids: readonly number[], ms: number): number[] {
  let left = pids.filter(processAlive);
  for (let waited = 0; waited < ms && left.length; waited += 20) {
    sleepSync(20);
    left = left.filter(processAlive);
  }
  return left;
}

/**
 * Synchronous (so it can run in an 'exit' handler) teardown of every namespace named `<prefix>-*`: SIGTERM
 * their processes, SIGKILL what is left after 1.5 s, delete the namespaces. Never throws; returns problems.
 */
export function teardownPrefix(prefix: string): string[] {
  const problems: string[] = [];
  try {
    const names = listNamespaces().filter((n) => n.startsWith(`${prefix}-`));
    const collect = (): number[] => pidsInNamespaces(names).filter(processAlive);
    const pids = collect();
    if (pids.length) {
      signalAll(pids, 'SIGTERM');
      const stubborn = waitDead(pids, 1500);
      if (stubborn.length) {
        signalAll(stubborn, 'SIGKILL');
        waitDead(stubborn, 1000);
      }
      const left = collect();
      if (left.length) problems.push(`processes still alive: ${left.join(' ')}`);
    }
    problems.push(...deleteNamespaces(names));
  } catch (err) {
    problems.push(String(err));
  }
  return problems;
}

/**
 * Deletes namespaces (and temp dirs) of labs in our prefix family whose owner process is gone. Namespaces of live
 * owners, and anything not named `calab-<pid>-t<start>-<hex>…`, are left alone. Returns the prefixes removed.
 */
export function removeStaleLabs(): string[] {
  if (processStartTicks(process.pid) === null) return []; // no /proc: every owner would look dead
  const stale = new Set<string>();
  for (const n of listNamespaces()) {
    const prefix = stalePrefix(n);
    if (prefix) stale.add(prefix);
  }
  for (const prefix of stale) teardownPrefix(prefix);
  try {
    for (const entry of readdirSync(tmpdir())) {
      const prefix = stalePrefix(entry);
      if (prefix) {
        rmSync(join(tmpdir(), entry), { recursive: true, force: true });
        stale.add(prefix);
      }
    }
  } catch {
    /* tmpdir unreadable: nothing to clean */
  }
  return [...stale];
}
