// JSON Schemas for each vendor-db file kind (vendor-db/schema/*.schema.json), compiled once with ajv.
// The schemas belong to the code's contract, so they are always read from this package's vendor-db/,
// whichever directory is being loaded (the broken test databases have no schema/ of their own).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { lazyRequire } from '../core/lazy-require.js';
import type { Problem } from './problem.js';
import type { YamlFile, YamlPath } from './yaml-file.js';

// `policy` is an organisation's policy file (src/policy/policy-file.ts): not vendor-db data, but checked the same way.
export type FileKind = 'sources' | 'entities' | 'not-related' | 'relabels' | 'list' | 'fingerprints' | 'policy';
const KINDS: readonly FileKind[] = ['sources', 'entities', 'not-related', 'relabels', 'list', 'fingerprints', 'policy'];

// Only a vendor-db or policy file read from YAML is validated; loading ajv costs ~60 ms a command served from the
// knowledge snapshot does without.
const ajv = lazyRequire<typeof import('ajv')>('ajv');

let compiled: { dir: string; validators: Map<FileKind, ValidateFunction> } | null = null;

function validators(schemaDir: string): Map<FileKind, ValidateFunction> {
  if (compiled?.dir === schemaDir) return compiled.validators;
  const compiler = new (ajv().Ajv)({ allErrors: true, strict: true });
  compiler.addSchema(readJson(join(schemaDir, 'common.schema.json')));
  const map = new Map<FileKind, ValidateFunction>();
  for (const kind of KINDS) map.set(kind, compiler.compile(readJson(join(schemaDir, `${kind}.schema.json`))));
  compiled = { dir: schemaDir, validators: map };
  return map;
}

function readJson(path: string): object {
  return JSON.parse(readFileSync(path, 'utf8')) as object;
}

/**
 * Validates a parsed file. Returns the problems and the indices of top-level array items that failed,
 * so the loader can skip just those items (and not report every reference to them a second time).
 */
export function validateFile(
  schemaDir: string,
  kind: FileKind,
  yaml: YamlFile,
  problems: Problem[],
): { ok: boolean; badItems: Set<number> } {
  const validate = validators(schemaDir).get(kind)!;
  if (validate(yaml.data)) return { ok: true, badItems: new Set() };
  const badItems = new Set<number>();
  let rootError = false;
  for (const error of validate.errors ?? []) {
    const path = errorPath(error);
    if (typeof path[1] === 'number') badItems.add(path[1]);
    else rootError = true;
    problems.push({ file: yaml.file, line: yaml.lineOf(path), level: 'FAIL', message: `schema: ${describe(error, path)}` });
  }
  return { ok: !rootError, badItems };
}

function errorPath(error: ErrorObject): YamlPath {
  const path: (string | number)[] = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  if (extra !== undefined) path.push(extra);
  return path;
}

function describe(error: ErrorObject, path: YamlPath): string {
  const where = path.length > 0 ? path.join('.') : '(file)';
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `${where}: unknown property`;
  if (error.keyword === 'required') return `${where}: missing required property "${String(params['missingProperty'])}"`;
  if (error.keyword === 'enum') return `${where}: must be one of ${JSON.stringify(params['allowedValues'])}`;
  return `${where}: ${error.message ?? error.keyword}`;
}
