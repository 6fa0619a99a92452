// `camaudit db update`: fetch the IEEE MA-L, MA-M, MA-S and IAB CSVs (or read them from disk for offline
// machines), check every file, compare with the registry in use, and only then replace the stored
// registry in one atomic write. Any failure leaves the previous registry exactly as it was.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DataError, UsageError, errorMessage } from '../core/errors.js';
import { IEEE_PATHS, IEEE_REGISTRIES, IeeeFormatError, readIeeeCsv, type IeeeFile, type IeeeRegistry } from './ieee-csv.js';
import { createOuiRegistry, loadEffectiveRegistry, SHIPPED_OUI, type EffectiveRegistry } from './oui.js';
import { registryDiff, type RegistryDiff } from './registry-diff.js';
import { REGISTRY_FORMAT, registryPath, writeStoredRegistry, type RegistryFileInfo, type StoredRegistry } from './registry-file.js';
import type { Knowledge, NotRelatedOrg } from './types.js';

export const IEEE_URL_BASE = 'https://standards-oui.ieee.org';
const REQUIRED: readonly IeeeRegistry[] = ['MA-L', 'MA-M', 'MA-S'];
const MAX_BYTES = 64 * 1024 * 1024; // oui.csv is ~4 MB; anything near this is not the registry
const USER_AGENT = 'camaudit (IEEE registry refresh)';

export type UpdateSource = { readonly kind: 'download'; readonly base: string } | { readonly kind: 'files'; readonly paths: readonly string[] };

export interface UpdateOptions {
  readonly source: UpdateSource;
  readonly dataDir: string;
  readonly knowledge: Knowledge;
  readonly notRelated: readonly NotRelatedOrg[];
  readonly dryRun?: boolean;
  readonly timeoutMs?: number; // per file
  /** Lower floors for tests with small real-format samples; the defaults are ieee-csv.ts MIN_ROWS. */
  readonly minRows?: Readonly<Record<IeeeRegistry, number>>;
  /** Largest accepted drop in a registry's row count against the registry in use (default 0.05: 5 %). */
  readonly maxShrink?: number;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
  readonly onProgress?: (message: string) => void;
}

export interface UpdateReport {
  readonly path: string;
  readonly saved: boolean; // false with dryRun
  readonly savedAt: string;
  readonly files: readonly RegistryFileInfo[];
  /** What the new registry was compared with. */
  readonly previous: string;
  readonly diff: RegistryDiff;
}

interface RawFile {
  readonly registry: IeeeRegistry | null; // null: a file given by path, its registry read from its rows
  readonly name: string;
  readonly from: string;
  readonly text: string;
  readonly date: string | null;
}

export async function updateRegistry(opts: UpdateOptions): Promise<UpdateReport> {
  const raws = opts.source.kind === 'download' ? await downloadAll(opts.source.base, opts) : readFiles(opts.source.paths);
  const files = raws.map((raw) => validate(raw, opts));
  const byRegistry = new Map<IeeeRegistry, { raw: RawFile; file: IeeeFile }>();
  files.forEach((file, i) => {
    const raw = raws[i]!;
    const other = byRegistry.get(file.registry);
    if (other) throw new UsageError(`${raw.from} and ${other.raw.from} are both ${file.registry} registries; give each registry once`);
    byRegistry.set(file.registry, { raw, file });
  });
  const missing = REQUIRED.filter((r) => !byRegistry.has(r));
  if (missing.length > 0) {
    throw new UsageError(`--from has no ${missing.join(', ')} registry (${missing.map((r) => basename(IEEE_PATHS[r])).join(', ')}); MA-L, MA-M and MA-S are all needed, IAB is optional`);
  }

  const current = loadEffectiveRegistry(opts.dataDir);
  const entries: Record<string, string> = {};
  const infos: RegistryFileInfo[] = [];
  for (const registry of IEEE_REGISTRIES) {
    const got = byRegistry.get(registry);
    if (!got) continue;
    let rows = 0;
    for (const a of got.file.assignments) {
      if (entries[a.prefix] !== undefined) continue; // an IAB block repeating an MA-S one: the first registry wins
      entries[a.prefix] = a.org;
      rows++;
    }
    infos.push({ registry, from: got.raw.from, rows, sha256: createHash('sha256').update(got.raw.text).digest('hex'), date: got.raw.date });
  }
  checkShrink(infos, current, opts.maxShrink ?? 0.05);

  const savedAt = (opts.now?.() ?? new Date()).toISOString();
  const stored: StoredRegistry = { format: REGISTRY_FORMAT, savedAt, files: infos, entries };
  const diff = registryDiff(current.registry, createOuiRegistry(entries), entries, opts.knowledge, opts.notRelated);
  const path = registryPath(opts.dataDir);
  if (!opts.dryRun) writeStoredRegistry(stored, path);
  return { path, saved: !opts.dryRun, savedAt, files: infos, previous: describeRegistry(current), diff };
}

export function describeRegistry(r: EffectiveRegistry): string {
  if (r.refreshed) return `the registry refreshed on ${r.refreshed.savedAt.slice(0, 10)} (${r.path})`;
  return `the shipped ${SHIPPED_OUI.package} ${SHIPPED_OUI.version} of ${SHIPPED_OUI.published}`;
}

function validate(raw: RawFile, opts: UpdateOptions): IeeeFile {
  try {
    return readIeeeCsv(raw.name, raw.text, { registry: raw.registry, minRows: opts.minRows });
  } catch (err) {
    if (err instanceof IeeeFormatError) throw new DataError(`${raw.from}: line ${err.line}: ${err.problem}; nothing was replaced`);
    throw err;
  }
}

/** A registry that lost more than `maxShrink` of its rows was most likely cut short on the way. */
function checkShrink(infos: readonly RegistryFileInfo[], current: EffectiveRegistry, maxShrink: number): void {
  const before = previousCounts(current);
  for (const info of infos) {
    const was = before.get(info.registry) ?? 0;
    if (was > 0 && info.rows < was * (1 - maxShrink)) {
      throw new DataError(
        `${info.from}: ${info.rows} ${info.registry} rows where the registry in use has ${was}; a registry does not shrink by ` +
          `${Math.round((1 - info.rows / was) * 100)} % (truncated download?); nothing was replaced`,
      );
    }
  }
}

function previousCounts(current: EffectiveRegistry): Map<IeeeRegistry, number> {
  const counts = new Map<IeeeRegistry, number>();
  if (current.refreshed) {
    for (const f of current.refreshed.files) counts.set(f.registry, f.rows);
    return counts;
  }
  // oui-data has no IAB, so its 9-digit keys are all MA-S.
  const byLength: Record<number, IeeeRegistry> = { 6: 'MA-L', 7: 'MA-M', 9: 'MA-S' };
  for (const key of current.registry.keys()) {
    const r = byLength[key.length];
    if (r) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  return counts;
}

function readFiles(paths: readonly string[]): RawFile[] {
  const raws: RawFile[] = [];
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch (err) {
      throw new UsageError(`cannot read --from ${JSON.stringify(path)}: ${errorMessage(err)}`);
    }
    if (!isDir) {
      raws.push(readOne(path, null));
      continue;
    }
    for (const registry of IEEE_REGISTRIES) {
      const file = join(path, basename(IEEE_PATHS[registry]));
      if (existsSync(file)) raws.push(readOne(file, registry));
    }
  }
  return raws;
}

function readOne(path: string, registry: IeeeRegistry | null): RawFile {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > MAX_BYTES) throw new Error(`${st.size} bytes is too large for an IEEE registry CSV`);
    return { registry, name: basename(path), from: path, text: readFileSync(path, 'utf8'), date: st.mtime.toISOString() };
  } catch (err) {
    throw new UsageError(`cannot read --from ${JSON.stringify(path)}: ${errorMessage(err)}`);
  }
}

async function downloadAll(base: string, opts: UpdateOptions): Promise<RawFile[]> {
  const raws: RawFile[] = [];
  for (const registry of IEEE_REGISTRIES) {
    const url = `${base.replace(/\/+$/, '')}${IEEE_PATHS[registry]}`;
    opts.onProgress?.(`downloading ${url}`);
    const { text, lastModified } = await download(url, opts.timeoutMs ?? 120_000, opts.signal);
    raws.push({ registry, name: basename(IEEE_PATHS[registry]), from: url, text, date: lastModified });
  }
  return raws;
}

/** GET with a deadline and a byte cap; a body shorter than its Content-Length is an error, never a file. */
async function download(url: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<{ text: string; lastModified: string | null }> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const fail = (why: string) => new DataError(`cannot download ${url}: ${why}; nothing was replaced`);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { 'user-agent': USER_AGENT, accept: 'text/csv, text/plain;q=0.9, */*;q=0.1' },
      redirect: 'follow',
      signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
    });
  } catch (err) {
    throw fail(deadline.aborted ? `no answer within ${timeoutMs / 1000} s` : causeOf(err));
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    // The IEEE site's bot filter has answered 403 and 418 to some HTTP clients (arp-scan's get-oui, 2025).
    const hint = response.status === 403 || response.status === 418 ? ' (the site refused this client: fetch the files in a browser and use --from DIR)' : '';
    throw fail(`HTTP ${response.status} ${response.statusText}`.trim() + hint);
  }
  const declared = response.headers.get('content-encoding') ? null : Number(response.headers.get('content-length') ?? NaN);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > MAX_BYTES) {
        await response.body?.cancel().catch(() => undefined);
        throw fail(`more than ${MAX_BYTES} bytes`);
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw fail(deadline.aborted ? `not complete within ${timeoutMs / 1000} s` : `the transfer broke off after ${size} bytes (${causeOf(err)})`);
  }
  if (declared !== null && Number.isFinite(declared) && declared !== size) throw fail(`received ${size} of ${declared} bytes`);
  const modified = response.headers.get('last-modified');
  const lastModified = modified && !Number.isNaN(Date.parse(modified)) ? new Date(modified).toISOString() : null;
  return { text: Buffer.concat(chunks).toString('utf8'), lastModified };
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${errorMessage(err)}: ${cause.message}` : errorMessage(err);
}
