// What the numbers were measured on: the machine, its load, and the kernel's neighbour-table limits (one table
// for every namespace, settable only in the initial one: README "Performance").
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

const firstLine = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).split('\n')[0].trim();
  } catch {
    return null;
  }
};

export const load = () => os.loadavg().map((l) => Math.round(l * 10) / 10);

export function neighbourLimits() {
  const read = (k) => Number(readFileSync(`/proc/sys/net/ipv4/neigh/default/${k}`, 'utf8'));
  return { gc_thresh1: read('gc_thresh1'), gc_thresh2: read('gc_thresh2'), gc_thresh3: read('gc_thresh3') };
}

/**
 * The kernel's count of neighbour entries it could not create (the table was full): each is a probe dropped
 * without an error. Summed over CPUs; the table is shared by every namespace, so a count during a run is the run's.
 */
export function tableFulls() {
  try {
    const rows = readFileSync('/proc/net/stat/arp_cache', 'utf8').trim().split('\n');
    const col = rows[0].trim().split(/\s+/).indexOf('table_fulls');
    return rows.slice(1).reduce((sum, r) => sum + parseInt(r.trim().split(/\s+/)[col], 16), 0);
  } catch {
    return null;
  }
}

export function machineInfo() {
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? null,
    memGb: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    nmap: firstLine('nmap', ['--version']),
    loadAtStart: load(),
    neighbourLimits: neighbourLimits(),
  };
}
