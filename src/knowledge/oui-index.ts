// A compact index of an IEEE registry: a header line, then one "KEY\tOrganisation\n" line per assignment,
// sorted by key. A scan makes a few hundred lookups; answering them by binary search over the index's bytes
// spares it parsing the 5.6 MB oui-data JSON (about 0.3 s of CPU in the middle of a scan). The index is saved
// beside what it was built from and used only while that file is unchanged and the index's own bytes check
// out; otherwise it is rebuilt from the source, so a stale or damaged index costs time, never a wrong answer.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { saveCacheFile } from './cache-file.js';
import { REGISTRY_KEY } from './registry-file.js';

const FORMAT = 'camaudit-oui-index/1';
const NL = 0x0a;
const TAB = 0x09;
// A file changed within one tick of the filesystem's clock keeps its times (FAT's mtime has a 2 s resolution).
const SETTLED_MS = 2_000;

export interface OuiIndex {
  readonly size: number;
  /** The organisation registered under exactly this key, or null. */
  orgOf(key: string): string | null;
  /** Every [key, organisation], sorted by key. */
  entries(): [string, string][];
}

/** A registry value's organisation name: its first line, trimmed. */
export function orgName(value: string): string {
  return value.split('\n', 1)[0]!.trim();
}

// Detects a damaged file, not an adversary: whoever can write the index can write the code that reads it.
const checksum = (count: string, body: Uint8Array): string => createHash('sha1').update(`${count}\n`).update(body).digest('hex');

/** `source` identifies what the index is built from (see sourceKey). */
export function buildOuiIndex(data: Readonly<Record<string, string>>, source: string): Buffer {
  // Lookups only ask for keys of 6, 7 or 9 hex digits; any other key could never be found.
  const keys = Object.keys(data)
    .filter((key) => REGISTRY_KEY.test(key))
    .sort();
  const body = Buffer.from(keys.map((key) => `${key}\t${orgName(data[key]!)}\n`).join(''));
  const count = String(keys.length);
  return Buffer.concat([Buffer.from(`${FORMAT}\t${source}\t${count}\t${checksum(count, body)}\n`), body]);
}

/** The index in `buf` if it was built from `source` and is whole, else null. */
export function openOuiIndex(buf: Buffer, source: string): OuiIndex | null {
  const headerEnd = buf.indexOf(NL);
  if (headerEnd < 0) return null;
  const [format, from, count, sum, ...extra] = buf.toString('latin1', 0, headerEnd).split('\t');
  const start = headerEnd + 1;
  if (format !== FORMAT || from !== source || count === undefined || extra.length > 0 || sum !== checksum(count, buf.subarray(start))) return null;
  // Uint8Array's own indexOf: Buffer's argument checks took a third of a lookup in a fresh process.
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  return {
    size: Number(count),
    orgOf(key) {
      // [lo, hi) always holds whole lines: lo starts one, hi ends one.
      let lo = start;
      let hi = bytes.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const line = bytes.lastIndexOf(NL, mid - 1) + 1; // bytes[lo - 1] is a newline, so line >= lo
        const newline = bytes.indexOf(NL, line);
        const end = newline < 0 ? bytes.length : newline;
        const order = compareKey(bytes, line, key);
        if (order < 0) lo = end + 1;
        else if (order > 0) hi = line;
        else return buf.toString('utf8', line + key.length + 1, end);
      }
      return null;
    },
    entries() {
      const lines = buf.toString('utf8', start).split('\n');
      lines.pop(); // after the last newline
      return lines.map((line) => {
        const tab = line.indexOf('\t');
        return [line.slice(0, tab), line.slice(tab + 1)];
      });
    },
  };
}

/** The key of the line at `at` against `key`, in the order the keys were sorted in: < 0, 0 or > 0. */
function compareKey(bytes: Uint8Array, at: number, key: string): number {
  for (let i = 0; i < key.length; i++) {
    const byte = bytes[at + i];
    if (byte === TAB || byte === NL || byte === undefined) return -1; // a shorter key sorts first
    if (byte !== key.charCodeAt(i)) return byte - key.charCodeAt(i);
  }
  return bytes[at + key.length] === TAB ? 0 : 1;
}

/**
 * What tells the file at `path` apart from any other version of it: a replaced file (camaudit and npm write a
 * new file and rename it) has another inode, a file changed in place other times. Null when it cannot be read,
 * or changed too recently for a further change to be sure to move its times: it is then not indexed.
 */
function sourceKey(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true });
    if (Date.now() - Number(s.mtimeMs) < SETTLED_MS) return null;
    return [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join(':');
  } catch {
    return null;
  }
}

/**
 * The index of the registry file `source`: read from `file` when it was built from this very file, else built
 * from `load()` (null when there is no registry to index) and saved to `file` for the next run. A null `file`
 * keeps the index in memory only.
 */
export function cachedOuiIndex(source: string, file: string | null, load: () => Readonly<Record<string, string>> | null): OuiIndex | null {
  // Keyed before it is read: if the source is replaced meanwhile, the index saved names the old file and is never used.
  const key = sourceKey(source);
  if (key !== null && file !== null) {
    const saved = readOuiIndex(file, key);
    if (saved) return saved;
  }
  const data = load();
  if (data === null) return null;
  const index = buildOuiIndex(data, key ?? '');
  if (key !== null && file !== null) saveCacheFile(file, index); // a damaged index is detected and rebuilt
  return openOuiIndex(index, key ?? '');
}

function readOuiIndex(file: string, source: string): OuiIndex | null {
  try {
    return openOuiIndex(readFileSync(file), source);
  } catch {
    return null; // none yet, or unreadable: rebuilt by the caller
  }
}
