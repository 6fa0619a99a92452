// A validated Knowledge, saved as JSON next to the compiled loader, so that a command starts in milliseconds
// instead of parsing YAML and compiling JSON Schemas (about a second of CPU at every `camaudit scan`; see README
// "Performance"). The snapshot is used only when its digest matches: every vendor-db file, the schemas, and
// the compiled code of this directory, so an edited YAML file or a rebuilt loader is never answered from a stale
// snapshot. Only the compiled package (dist/) keeps one; loaded from src/ (the tests), this is never used.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveCacheFile } from './cache-file.js';
import type { Knowledge } from './types.js';

const FORMAT = 'camaudit-knowledge-snapshot/1';
const here = fileURLToPath(import.meta.url);
const compiled = here.endsWith('.js');
const SNAPSHOT = join(dirname(here), 'vendor-db.snapshot.json');

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(path, keep));
    else if (keep(e.name)) out.push(path);
  }
  return out.sort();
}

/** What a Knowledge is made of: the database, its schemas, and the code that builds it. */
export function knowledgeDigest(dir: string, schemaDir: string): string {
  const hash = createHash('sha256').update(FORMAT);
  const add = (root: string, files: readonly string[]) => {
    for (const f of files) hash.update(`\0${relative(root, f)}\0`).update(readFileSync(f));
  };
  add(dir, filesUnder(dir, (n) => n.endsWith('.yaml')));
  add(schemaDir, filesUnder(schemaDir, (n) => n.endsWith('.json')));
  const code = dirname(here);
  const ext = compiled ? '.js' : '.ts';
  add(code, [...filesUnder(code, (n) => n.endsWith(ext)), join(code, '..', 'core', `types${ext}`)]);
  return hash.digest('hex');
}

// Maps and RegExps are the only non-JSON values in a Knowledge.
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value] };
  if (value instanceof RegExp) return { $re: [value.source, value.flags] };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as { $map?: [unknown, unknown][]; $re?: [string, string] };
    if (v.$map) return new Map(v.$map);
    if (v.$re) return new RegExp(v.$re[0], v.$re[1]);
  }
  return value;
}

export function serializeKnowledge(k: Knowledge, digest: string): string {
  return JSON.stringify({ format: FORMAT, digest, knowledge: k }, replacer);
}

export function deserializeKnowledge(text: string, digest: string): Knowledge | null {
  const s = JSON.parse(text, reviver) as { format?: string; digest?: string; knowledge?: Knowledge };
  return s.format === FORMAT && s.digest === digest && s.knowledge ? s.knowledge : null;
}

/** The digest of these inputs, or null when not running compiled (or a file cannot be read: no snapshot then). */
export function snapshotDigest(dir: string, schemaDir: string): string | null {
  if (!compiled) return null;
  try {
    return knowledgeDigest(dir, schemaDir);
  } catch {
    return null;
  }
}

/** The saved Knowledge of exactly these inputs, or null (none, stale, or unreadable). */
export function readSnapshot(digest: string): Knowledge | null {
  try {
    return deserializeKnowledge(readFileSync(SNAPSHOT, 'utf8'), digest);
  } catch {
    return null; // none yet, half-written, or from another version: rebuilt by the caller
  }
}

export function writeSnapshot(k: Knowledge, digest: string): void {
  saveCacheFile(SNAPSHOT, serializeKnowledge(k, digest));
}
