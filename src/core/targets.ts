// Target parsing: "198.18.0.10", "198.18.0.0/24", "198.18.0.10-198.18.0.20" or "198.18.0.10-20".
// Every probe camaudit sends is checked against the TargetSet built here (see net/scope.ts).
import { UsageError } from './errors.js';

/** Inclusive range of IPv4 addresses as unsigned 32-bit integers. */
export interface Range {
  readonly start: number;
  readonly end: number;
}

export interface TargetSet {
  readonly specs: readonly string[]; // canonical spelling of what the user asked for
  readonly ranges: readonly Range[]; // sorted, merged, exclusions removed
  readonly size: number;
}

export interface TargetOptions {
  readonly force?: boolean; // allow more than MAX_ADDRESSES
  readonly allowPublic?: boolean; // allow globally routable addresses
  readonly exclude?: readonly string[];
}

export const MAX_ADDRESSES = 65_536; // a /16

// Address space that is not globally routable and that a LAN audit may touch without --allow-public.
const NON_PUBLIC: readonly [string, string][] = [
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
];
// Never a host: "this network", multicast, reserved and broadcast.
const NEVER: readonly string[] = ['0.0.0.0/8', '224.0.0.0/4', '240.0.0.0/4'];

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * Dotted quad to an unsigned 32-bit integer; null unless exactly four decimal octets (0-255, no leading zeros).
 * By hand rather than split and a regular expression: the scope guard parses an address for every probe it admits.
 */
export function parseIpv4(text: string): number | null {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || ++dots > 3) return null;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return null; // a leading zero
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return null;
    } else return null;
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : null;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function cidrRange(base: number, prefix: number): Range {
  const size = 2 ** (32 - prefix);
  const start = Math.floor(base / size) * size;
  return { start, end: start + size - 1 };
}

function parseCidr(text: string): Range | null {
  const [addr, len, extra] = text.split('/');
  if (extra !== undefined || addr === undefined || len === undefined || !/^(3[0-2]|[12]?\d)$/.test(len)) return null;
  const base = parseIpv4(addr);
  return base === null ? null : cidrRange(base, Number(len));
}

const fixed = (cidr: string): Range => parseCidr(cidr) as Range;
const NON_PUBLIC_RANGES = NON_PUBLIC.map(([c]) => fixed(c));
const NEVER_RANGES = NEVER.map(fixed);

/** Parses one target spec into a range, or explains in one line why it is not one. */
export function parseSpec(spec: string): Range {
  const text = spec.trim();
  const bad = (why: string) => new UsageError(`invalid target ${JSON.stringify(spec)}: ${why}`);
  if (text.startsWith('-')) throw bad('looks like an option, not an address');
  if (/\s/.test(text)) throw bad('contains spaces; give each target as its own argument');
  let range: Range | null = null;
  if (text.includes('/')) {
    range = parseCidr(text);
    if (!range) throw bad('not a valid IPv4 CIDR (expected e.g. 192.168.1.0/24)');
  } else if (text.includes('-')) {
    const [a, b, extra] = text.split('-');
    const start = a === undefined ? null : parseIpv4(a);
    let end = b === undefined ? null : parseIpv4(b);
    if (start !== null && end === null && b !== undefined && OCTET.test(b)) end = Math.floor(start / 256) * 256 + Number(b);
    if (extra !== undefined || start === null || end === null) {
      throw bad('not a valid range (expected e.g. 192.168.1.10-192.168.1.20 or 192.168.1.10-20)');
    }
    if (end < start) throw bad('range ends before it starts');
    range = { start, end };
  } else {
    const n = parseIpv4(text);
    if (n === null) throw bad('not an IPv4 address, CIDR or range');
    range = { start: n, end: n };
  }
  if (NEVER_RANGES.some((r) => overlaps(r, range))) {
    throw bad('includes multicast, reserved or "this network" addresses, which are not hosts');
  }
  return range;
}

export function canonicalSpec(r: Range): string {
  if (r.start === r.end) return formatIpv4(r.start);
  const size = r.end - r.start + 1;
  const prefix = 32 - Math.log2(size);
  if (Number.isInteger(prefix) && r.start % size === 0) return `${formatIpv4(r.start)}/${prefix}`;
  return `${formatIpv4(r.start)}-${formatIpv4(r.end)}`;
}

function overlaps(a: Range, b: Range): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Sorts and merges adjacent or overlapping ranges. */
export function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + 1) out[out.length - 1] = { start: last.start, end: Math.max(last.end, r.end) };
    else out.push(r);
  }
  return out;
}

export function subtractRanges(from: readonly Range[], minus: readonly Range[]): Range[] {
  let out = mergeRanges(from);
  for (const m of minus) {
    out = out.flatMap((r) => {
      if (!overlaps(r, m)) return [r];
      const parts: Range[] = [];
      if (r.start < m.start) parts.push({ start: r.start, end: m.start - 1 });
      if (r.end > m.end) parts.push({ start: m.end + 1, end: r.end });
      return parts;
    });
  }
  return out;
}

/** The first globally routable address in `r`, or null when it lies wholly in non-public space. */
export function firstPublicAddress(r: Range): number | null {
  const rest = subtractRanges([r], NON_PUBLIC_RANGES);
  return rest[0]?.start ?? null;
}

export function parseTargets(specs: readonly string[], opts: TargetOptions = {}): TargetSet {
  if (specs.length === 0) throw new UsageError('no targets given');
  const parsed = specs.map((s) => ({ spec: s, range: parseSpec(s) }));
  if (!opts.allowPublic) {
    for (const { spec, range } of parsed) {
      const pub = firstPublicAddress(range);
      if (pub !== null) {
        throw new UsageError(
          `target ${JSON.stringify(spec)} includes public address ${formatIpv4(pub)}; pass --allow-public if you are authorised to scan it`,
        );
      }
    }
  }
  const excluded = (opts.exclude ?? []).map(parseSpec);
  const ranges = subtractRanges(
    parsed.map((p) => p.range),
    excluded,
  );
  const size = ranges.reduce((n, r) => n + (r.end - r.start + 1), 0);
  if (size === 0) throw new UsageError(`every address of ${specs.join(' ')} is excluded by --exclude`);
  if (size > MAX_ADDRESSES && !opts.force) {
    throw new UsageError(
      `targets ${specs.join(' ')} cover ${size} addresses, more than a /16 (${MAX_ADDRESSES}); pass --force to scan them anyway`,
    );
  }
  return { specs: parsed.map((p) => canonicalSpec(p.range)), ranges, size };
}

export function inTargets(set: TargetSet, ip: string): boolean {
  const n = parseIpv4(ip);
  if (n === null) return false;
  // Ranges are few (one per target spec); a linear scan beats building an index.
  return set.ranges.some((r) => n >= r.start && n <= r.end);
}

export function* addresses(set: TargetSet): Generator<string> {
  for (const r of set.ranges) for (let n = r.start; n <= r.end; n++) yield formatIpv4(n);
}

/** Minimal list of CIDR blocks covering `r` exactly (for tools such as nmap that do not take a-b ranges). */
export function rangeToCidrs(r: Range): string[] {
  const out: string[] = [];
  let start = r.start;
  while (start <= r.end) {
    let size = 1;
    while (start % (size * 2) === 0 && start + size * 2 - 1 <= r.end) size *= 2;
    out.push(size === 1 ? formatIpv4(start) : `${formatIpv4(start)}/${32 - Math.log2(size)}`);
    start += size;
  }
  return out;
}
