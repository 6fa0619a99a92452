// Who this process is, as a lock owner, and whether another owner is still alive. A dead owner on this
// host is recognised at once (no such pid, or the pid was reused by a process that started at another
// time); an owner on another host is only ever presumed dead when its lock expires.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
// The lab's owner checks are exactly what a lock needs: /proc state and start ticks, reused here.
import { processAlive, processStartTicks } from '../lab/teardown.js';
import type { Owner } from './types.js';

export function currentOwner(): Owner {
  return { token: randomUUID(), pid: process.pid, start: processStartTicks(process.pid), host: hostname() };
}

export function ownerIsDead(holder: Owner): boolean {
  if (holder.host !== hostname()) return false;
  if (!processAlive(holder.pid)) return true;
  return holder.start !== null && processStartTicks(holder.pid) !== holder.start;
}
