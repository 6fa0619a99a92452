// The refreshed IEEE registry that `camaudit db update` stores in the data directory, beside the shipped
// oui-data. It is written whole or not at all (temporary file, fsync, rename), and read back only if it is
// complete: a damaged or foreign file is reported and the shipped data is used instead.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ASSIGNMENT_LENGTH, IEEE_REGISTRIES, type IeeeRegistry } from './ieee-csv.js';

export const REGISTRY_FORMAT = 'camaudit-ieee-registry/1';
const FILE_NAME = 'ieee-registry.json';
const INDEX_NAME = 'ieee-registry.index.tsv';
/** A registry key: 6 (MA-L), 7 (MA-M) or 9 (MA-S, IAB) upper-case hex digits. */
export const REGISTRY_KEY = /^(?:[0-9A-F]{6}|[0-9A-F]{7}|[0-9A-F]{9})$/;

/** `$CAMAUDIT_DATA_DIR`, else `$XDG_DATA_HOME/camaudit`, else `~/.local/share/camaudit`. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CAMAUDIT_DATA_DIR) return env.CAMAUDIT_DATA_DIR;
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'camaudit');
}

export function registryPath(dir: string = dataDir()): string {
  return join(dir, FILE_NAME);
}

/** The lookup index of the registry in `dir` (oui-index.ts), rebuilt from it whenever it changes. */
export function registryIndexPath(dir: string): string {
  return join(dir, INDEX_NAME);
}

export interface RegistryFileInfo {
  readonly registry: IeeeRegistry;
  readonly from: string; // URL or path it was read from
  readonly rows: number; // assignments kept (duplicates dropped)
  readonly sha256: string;
  readonly date: string | null; // HTTP Last-Modified or file mtime, ISO-8601
}

export interface StoredRegistry {
  readonly format: typeof REGISTRY_FORMAT;
  readonly savedAt: string; // ISO-8601: when `db update` ran
  readonly files: readonly RegistryFileInfo[];
  /** Prefix (upper-case hex) → organisation name. */
  readonly entries: Readonly<Record<string, string>>;
}

export type StoredRegistryState =
  | { readonly state: 'absent'; readonly path: string }
  | { readonly state: 'invalid'; readonly path: string; readonly problem: string }
  | { readonly state: 'valid'; readonly path: string; readonly registry: StoredRegistry };

/** Reads and checks the stored registry; never throws. */
export function readStoredRegistry(path: string = registryPath()): StoredRegistryState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent', path };
    return { state: 'invalid', path, problem: `cannot read: ${(err as Error).message}` };
  }
  try {
    const problem = registryProblem(JSON.parse(text) as unknown);
    if (problem) return { state: 'invalid', path, problem };
    return { state: 'valid', path, registry: JSON.parse(text) as StoredRegistry };
  } catch (err) {
    return { state: 'invalid', path, problem: `not JSON: ${(err as Error).message}` };
  }
}

/** Why a parsed file is not a complete stored registry, or null. */
function registryProblem(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return 'not an object';
  const r = data as Partial<StoredRegistry>;
  if (r.format !== REGISTRY_FORMAT) return `format is ${JSON.stringify(r.format)}, expected "${REGISTRY_FORMAT}"`;
  if (typeof r.savedAt !== 'string' || Number.isNaN(Date.parse(r.savedAt))) return 'savedAt is not a date';
  if (!Array.isArray(r.files) || typeof r.entries !== 'object' || r.entries === null) return 'files or entries missing';
  const expected = new Map<number, number>();
  for (const f of r.files as unknown[]) {
    const { registry, rows } = (f ?? {}) as Partial<RegistryFileInfo>;
    if (!IEEE_REGISTRIES.includes(registry as IeeeRegistry) || !Number.isSafeInteger(rows)) return 'a files[] entry is malformed';
    const length = ASSIGNMENT_LENGTH[registry as IeeeRegistry];
    expected.set(length, (expected.get(length) ?? 0) + rows!);
  }
  // The entry count per prefix length must add up to what was recorded: a cut-short write cannot pass.
  const found = new Map<number, number>();
  for (const [key, org] of Object.entries(r.entries)) {
    if (!REGISTRY_KEY.test(key) || typeof org !== 'string' || org === '') return `bad entry ${JSON.stringify(key)}`;
    found.set(key.length, (found.get(key.length) ?? 0) + 1);
  }
  for (const length of [6, 7, 9]) {
    if ((found.get(length) ?? 0) !== (expected.get(length) ?? 0)) return `${found.get(length) ?? 0} entries of ${length} hex digits, files[] records ${expected.get(length) ?? 0}`;
  }
  return null;
}

/** Writes atomically: a reader sees the old file or the new one, never a mix, even after a crash. */
export function writeStoredRegistry(registry: StoredRegistry, path: string = registryPath()): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, JSON.stringify(registry));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const dirFd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dirFd); // makes the rename itself durable
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename has happened either way.
  }
}
