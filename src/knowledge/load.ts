// The only reader of vendor-db/: YAML files → schema check → cross-reference check → Knowledge.
// Runs once per process, synchronously. Layout: sources.yaml and entities.yaml (required), not-related.yaml
// and relabels.yaml (optional), lists/*.yaml, fingerprints/*.yaml, schema/*.schema.json.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEVICE_TYPES } from '../core/types.js';
import {
  buildKnowledge, type CheckedFile, type RawDb, type RawFingerprint, type RawFingerprintFile, type RawList, type RawRow,
} from './build.js';
import { fails, formatProblem, type Problem } from './problem.js';
import { validateFile, type FileKind } from './schemas.js';
import { readSnapshot, snapshotDigest, writeSnapshot } from './snapshot.js';
import type { Knowledge, NotRelatedOrg } from './types.js';
import { readYamlFile, type YamlFile } from './yaml-file.js';

/** <package root>/vendor-db: this file is src/knowledge/load.ts under vitest and dist/knowledge/load.js when built. */
export function defaultVendorDbDir(): string {
  return fileURLToPath(new URL('../../vendor-db', import.meta.url));
}

export function schemaDir(): string {
  return join(defaultVendorDbDir(), 'schema');
}

export interface VendorDb {
  readonly dir: string;
  readonly knowledge: Knowledge;
  readonly notRelated: readonly NotRelatedOrg[];
  /** Syntax, schema and cross-reference problems; verify.ts adds the deeper checks. */
  readonly problems: readonly Problem[];
}

/** Reads and checks the database; never throws for problems in the data (they are returned). */
export function loadVendorDb(dir: string = defaultVendorDbDir()): VendorDb {
  const problems: Problem[] = [];
  const raw: RawDb = {
    sources: readArrayFile(dir, 'sources.yaml', 'sources', 'sources', problems, true),
    entities: readArrayFile(dir, 'entities.yaml', 'entities', 'entities', problems, true),
    notRelated: readArrayFile(dir, 'not-related.yaml', 'not-related', 'notRelated', problems, false),
    relabels: readArrayFile(dir, 'relabels.yaml', 'relabels', 'relabels', problems, false),
    lists: [],
    fingerprints: [],
  };
  for (const file of yamlFilesIn(dir, 'lists')) {
    const checked = readObjectFile<RawList, RawRow>(dir, file, 'list', 'rows', problems);
    if (checked) raw.lists.push({ yaml: checked.yaml, list: checked.data, rows: checked.items });
  }
  for (const file of yamlFilesIn(dir, 'fingerprints')) {
    const checked = readObjectFile<RawFingerprintFile, RawFingerprint>(dir, file, 'fingerprints', 'fingerprints', problems);
    if (checked) raw.fingerprints.push({ yaml: checked.yaml, matches: checked.data.matches, fingerprints: checked.items });
  }
  const built = buildKnowledge(raw, problems);
  const knowledge: Knowledge = {
    entities: built.entities,
    relabels: built.relabels,
    lists: built.lists,
    fingerprints: built.fingerprints,
    sources: built.sources,
    ouiOrgToEntity: built.ouiOrgToEntity,
    aliasToEntity: built.aliasToEntity,
    deviceTypes: DEVICE_TYPES,
  };
  return { dir, knowledge, notRelated: built.notRelated, problems };
}

/** Loads vendor-db for use; throws one Error listing every `file:line: FAIL message` if anything is wrong. */
export function loadKnowledge(dir: string = defaultVendorDbDir()): Knowledge {
  const digest = snapshotDigest(dir, schemaDir());
  const saved = digest === null ? null : readSnapshot(digest);
  if (saved) return saved;
  const db = loadVendorDb(dir);
  const failed = fails(db.problems);
  if (failed.length > 0) {
    throw new Error(`vendor-db at ${dir} is invalid:\n${failed.map(formatProblem).join('\n')}`);
  }
  if (digest !== null) writeSnapshot(db.knowledge, digest);
  return db.knowledge;
}

function yamlFilesIn(dir: string, sub: string): string[] {
  const path = join(dir, sub);
  if (!existsSync(path)) return [];
  return readdirSync(path)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => `${sub}/${name}`);
}

/** A file whose top level is `{ <key>: [items] }`. */
function readArrayFile<T>(
  dir: string, file: string, kind: FileKind, key: string, problems: Problem[], required: boolean,
): CheckedFile<T> | null {
  const absolute = join(dir, file);
  if (!existsSync(absolute)) {
    if (required) problems.push({ file, line: 1, level: 'FAIL', message: 'missing file' });
    return null;
  }
  const yaml = readYamlFile(absolute, file, problems);
  return yaml.data === undefined ? null : checkedItems<T>(yaml, kind, key, problems);
}

/** A file whose top level is an object with one array of checked items (`rows`, `fingerprints`). */
function readObjectFile<T extends object, I>(
  dir: string, file: string, kind: FileKind, key: string, problems: Problem[],
): { yaml: YamlFile; data: T; items: CheckedFile<I>['items'] } | null {
  const yaml = readYamlFile(join(dir, file), file, problems);
  if (yaml.data === undefined) return null;
  const checked = checkedItems<I>(yaml, kind, key, problems);
  return checked ? { yaml, data: yaml.data as T, items: checked.items } : null;
}

function checkedItems<T>(yaml: YamlFile, kind: FileKind, key: string, problems: Problem[]): CheckedFile<T> | null {
  const { ok, badItems } = validateFile(schemaDir(), kind, yaml, problems);
  if (!ok) return null; // the file's shape is wrong: nothing in it can be trusted
  const array = (yaml.data as Record<string, T[]>)[key] ?? [];
  return { yaml, items: array.map((value, index) => ({ index, value })).filter(({ index }) => !badItems.has(index)) };
}
