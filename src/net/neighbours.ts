// The kernel neighbour (ARP) table: the MACs of on-link hosts that answered ARP.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { normalizeMac } from '../core/mac.js';

export interface Neighbour {
  readonly ip: string;
  readonly mac: string;
  readonly dev: string;
}

// REACHABLE: the kernel heard from the host within the last few seconds. STALE/DELAY/PROBE entries
// may belong to hosts that left; FAILED/INCOMPLETE never answered.
const CONFIRMED = new Set(['REACHABLE', 'PERMANENT', 'NOARP']);
// DELAY/PROBE: the kernel is re-checking a host it heard from before (a datagram woke a STALE entry); the entry
// settles to REACHABLE or FAILED after delay_first_probe_time plus a few retransmits (about 5-8 s by default).
const RECHECKING = new Set(['DELAY', 'PROBE']);

interface NeighRow {
  dst?: string;
  lladdr?: string;
  dev?: string;
  state?: string[];
}

function ipNeighRows(): Promise<NeighRow[] | null> {
  return new Promise((resolve) => {
    execFile('ip', ['-j', '-4', 'neigh', 'show'], { timeout: 5000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err) return resolve(null);
      try {
        resolve(JSON.parse(stdout) as NeighRow[]);
      } catch {
        resolve(null);
      }
    });
  });
}

async function ipNeigh(): Promise<Neighbour[] | null> {
  const rows = await ipNeighRows();
  return (
    rows?.flatMap((r) => {
      const mac = normalizeMac(r.lladdr);
      const ok = r.state?.some((s) => CONFIRMED.has(s));
      return r.dst && mac && ok ? [{ ip: r.dst, mac, dev: r.dev ?? '' }] : [];
    }) ?? null
  );
}

/** Addresses whose entry the kernel is re-checking right now (empty without iproute2). */
export async function recheckingNeighbours(): Promise<Set<string>> {
  const rows = (await ipNeighRows()) ?? [];
  return new Set(rows.flatMap((r) => (r.dst && r.state?.some((s) => RECHECKING.has(s)) ? [r.dst] : [])));
}

// Fallback without iproute2: /proc/net/arp has no state, only the "complete" flag (0x2).
async function procArp(): Promise<Neighbour[]> {
  const text = await readFile('/proc/net/arp', 'utf8').catch(() => '');
  return text
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const [ip, , flags, hw, , dev] = line.trim().split(/\s+/);
      const mac = normalizeMac(hw);
      return ip && mac && flags && (parseInt(flags, 16) & 0x2) !== 0 ? [{ ip, mac, dev: dev ?? '' }] : [];
    });
}

export async function readNeighbours(): Promise<Neighbour[]> {
  return (await ipNeigh()) ?? procArp();
}

/**
 * How long an entry holds its room after its host answered: REACHABLE, held by its timer and never reclaimed, for up
 * to 1.5 × base_reachable_time (30 s by default, randomised every 5 minutes); then STALE, which the forced GC spares
 * for 5 s after the change; plus 1 s for the probes that follow a host's first. At 45 s, a scan of the /21 lab lost
 * 64 probes 46 s in and 64 more at 91 s (table_fulls in /proc/net/stat/arp_cache); at 50 and 51 s, none.
 */
export const NEIGHBOUR_WINDOW_MS = 1.5 * 30_000 + 5_000 + 1_000;

/**
 * Three quarters of net.ipv4.neigh.default.gc_thresh3, leaving the rest to everything else on the machine. The
 * setting is readable only in the initial network namespace; elsewhere it is assumed to be the default, 1024.
 */
export function neighbourBudget(): number {
  let cap = 1024;
  try {
    cap = Number(readFileSync('/proc/sys/net/ipv4/neigh/default/gc_thresh3', 'utf8')) || cap;
  } catch {
    /* inside a namespace, or not Linux */
  }
  return Math.max(1, Math.floor((cap * 3) / 4));
}
