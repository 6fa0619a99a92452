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

interface ProcArpRow extends Neighbour {
  readonly flags: number;
}

const ATF_COM = 0x2; // resolved
const ATF_PERM = 0x4; // permanent: not counted by the table's limits

/** The rows of /proc/net/arp (this namespace's IPv4 entries; no state, only flags). */
export function parseProcArp(text: string): ProcArpRow[] {
  return text
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const [ip, , flags, hw, , dev] = line.trim().split(/\s+/);
      const mac = normalizeMac(hw);
      const f = flags ? parseInt(flags, 16) : NaN;
      return ip && mac && Number.isInteger(f) ? [{ ip, mac, dev: dev ?? '', flags: f }] : [];
    });
}

// Fallback without iproute2: only the "complete" flag tells a live entry.
async function procArp(): Promise<Neighbour[]> {
  const text = await readFile('/proc/net/arp', 'utf8').catch(() => '');
  return parseProcArp(text).flatMap(({ ip, mac, dev, flags }) => ((flags & ATF_COM) !== 0 ? [{ ip, mac, dev }] : []));
}

/** Resolved entries the kernel holds at the start of a scan: `all` need no new entry; `counted` take room in the table. */
export interface HeldNeighbours {
  readonly all: ReadonlySet<string>;
  readonly counted: ReadonlySet<string>;
}

export function heldNeighbours(text: string): HeldNeighbours {
  const all = new Set<string>();
  const counted = new Set<string>();
  for (const r of parseProcArp(text)) {
    if ((r.flags & ATF_COM) === 0) continue;
    all.add(r.ip);
    if ((r.flags & ATF_PERM) === 0) counted.add(r.ip);
  }
  return { all, counted };
}

/**
 * Read synchronously (a few hundred microseconds for a full table) because the pacer needs it before the first
 * probe. A previous scan's entries are still there, and the sweep's ARP replies refresh them all to REACHABLE:
 * back-to-back scans of a /21 lost cameras to a full table before the pacer counted them.
 */
export function readHeldNeighbours(): HeldNeighbours {
  try {
    return heldNeighbours(readFileSync('/proc/net/arp', 'utf8'));
  } catch {
    return { all: new Set(), counted: new Set() };
  }
}

export async function readNeighbours(): Promise<Neighbour[]> {
  return (await ipNeigh()) ?? procArp();
}

/**
 * How long an entry holds its room after its host answered: REACHABLE, held by its timer and never reclaimed, for up
 * to 1.5 × base_reachable_time (30 s by default, randomised every 5 minutes); then STALE, which the forced GC spares
 * for 5 s after the change; plus 1 s for the probes that follow a host's first. At 45 s, scans of the /21 lab lost
 * 64 probes 46 s into the scan and 64 more at 91 s, in one scan of three (table_fulls in /proc/net/stat/arp_cache).
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
