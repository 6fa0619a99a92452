// An organisation's policy file: YAML checked against vendor-db/schema/policy.schema.json, then against
// vendor-db itself (every list, entity and brand it names must exist), with every problem reported as
// `file:line: FAIL|WARN message`. The result is rules for judge.ts and the knowledge extended with the
// makers the file adds. See README "Policy files" for the format.
import { normalizeMac } from '../core/mac.js';
import { parseSpec } from '../core/targets.js';
import type { Confidence, DecisionRule } from '../core/types.js';
import { normalizeAlias } from '../knowledge/alias.js';
import { compile } from '../knowledge/build.js';
import { rowFlagsDevices } from '../knowledge/family.js';
import { schemaDir } from '../knowledge/load.js';
import type { Problem } from '../knowledge/problem.js';
import { validateFile } from '../knowledge/schemas.js';
import type { Entity, Knowledge } from '../knowledge/types.js';
import { readYamlFile, type YamlFile } from '../knowledge/yaml-file.js';
import { describeMatch, isExpired, type ExceptionMatch, type ExceptionRule, type RestrictRule, type ScopeApplies, type ScopeRule } from './rules.js';

export interface PolicyFile {
  readonly path: string;
  readonly organisation: string | null;
  readonly lists: { readonly ids: readonly string[]; readonly ref: DecisionRule } | null;
  readonly scope: readonly ScopeRule[];
  readonly restrict: readonly RestrictRule[];
  readonly exceptions: readonly ExceptionRule[];
  /** vendor-db plus the file's `entities:`. */
  readonly knowledge: Knowledge;
}

interface RawEntity {
  id: string; name: string; parent?: string; relation?: 'subsidiary' | 'affiliate'; relationConfidence?: Confidence;
  aliases?: string[]; ouiOrgNames?: string[];
}
interface RawPolicy {
  organisation?: string;
  lists?: string[];
  scopeLimits?: Record<string, { applies: ScopeApplies; reason: string }>;
  entities?: RawEntity[];
  restrict?: { entity?: string; brand?: string; coversAffiliates?: boolean; reason: string }[];
  exceptions?: { entity?: string; brand?: string; model?: string; serial?: string; mac?: string; ip?: string; reason: string; approver: string; expires: string }[];
}

/** Reads and checks a policy file; null when any FAIL was reported (all problems are pushed to `problems`). */
export function readPolicyFile(path: string, k: Knowledge, problems: Problem[], today: string): PolicyFile | null {
  const before = problems.length;
  const yaml = readYamlFile(path, path, problems);
  if (yaml.data === undefined) return null;
  // An empty file is an empty policy: the vendor-db default.
  const file: YamlFile = yaml.data === null ? { ...yaml, data: {} } : yaml;
  validateFile(schemaDir(), 'policy', file, problems);
  if (problems.length > before) return null; // the shape is wrong: nothing in it can be trusted
  const raw = file.data as RawPolicy;
  const at = (...p: (string | number)[]) => `${path}:${file.lineOf(p)}`;
  const check = new Checker(path, file, problems);

  const knowledge = extend(k, raw.entities ?? [], check);
  const lists = raw.lists ? { ids: raw.lists, ref: { rule: 'lists', at: at('lists'), text: `lists chosen: ${raw.lists.join(', ')}` } } : null;
  raw.lists?.forEach((id, i) => {
    const list = k.lists.find((l) => l.id === id);
    if (!list) check.fail(['lists', i], `lists: unknown list "${id}"; see \`camaudit lists\``);
    else if (!list.flags) check.warn(['lists', i], `lists: ${id} is context only and flags nothing on its own`);
  });

  const scope: ScopeRule[] = Object.entries(raw.scopeLimits ?? {}).map(([id, s]) => {
    const list = k.lists.find((l) => l.id === id);
    if (!list) check.fail(['scopeLimits', id], `scopeLimits: unknown list "${id}"`);
    else if (s.applies !== 'as-listed' && !list.rows.some((r) => rowFlagsDevices(r) && r.scopeLimit !== null)) {
      check.warn(['scopeLimits', id], `scopeLimits: no equipment row of ${id} has a scope limit, so "${s.applies}" changes nothing`);
    }
    const text = `${id}: scope limits apply ${s.applies === 'to-all-equipment' ? 'to all our equipment' : s.applies === 'not-to-us' ? 'not to us' : 'as listed'}: ${s.reason}`;
    return { list: id, applies: s.applies, reason: s.reason, ref: { rule: `scopeLimits.${id}`, at: at('scopeLimits', id), text } };
  });

  const restrict: RestrictRule[] = (raw.restrict ?? []).map((r, i) => {
    const target = r.entity ?? r.brand;
    if ((r.entity === undefined) === (r.brand === undefined)) check.fail(['restrict', i], 'restrict: give exactly one of entity or brand');
    else if (!knowledge.entities.has(target!)) check.fail(['restrict', i], `restrict: unknown ${r.entity ? 'entity' : 'brand'} "${target}" (add it under entities:)`);
    const covers = r.coversAffiliates ?? true;
    const what = r.entity !== undefined ? `entity ${r.entity}${covers ? ' and its subsidiaries and affiliates' : ''}` : `brand ${r.brand}`;
    return {
      entity: r.entity ?? null, brand: r.entity === undefined ? (r.brand ?? null) : null, coversAffiliates: covers, reason: r.reason,
      ref: { rule: `restrict[${i}]`, at: at('restrict', i), text: `restricts ${what}: ${r.reason}` },
    };
  });

  const exceptions = (raw.exceptions ?? []).flatMap((e, i): ExceptionRule[] => {
    const match = exceptionMatch(e, i, knowledge, check);
    if (!match) return [];
    if (!isCalendarDate(e.expires)) check.fail(['exceptions', i, 'expires'], `exceptions[${i}].expires: ${e.expires} is not a date`);
    const text = `exception for ${describeMatch(match)}: ${e.reason} (approved by ${e.approver}, until ${e.expires})`;
    const rule: ExceptionRule = { match, reason: e.reason, approver: e.approver, expires: e.expires, ref: { rule: `exceptions[${i}]`, at: at('exceptions', i), text } };
    if (isExpired(rule, today)) check.warn(['exceptions', i, 'expires'], `exceptions[${i}]: expired on ${e.expires}; ignored`);
    return [rule];
  });

  if (problems.slice(before).some((p) => p.level === 'FAIL')) return null;
  return { path, organisation: raw.organisation ?? null, lists, scope, restrict, exceptions, knowledge };
}

class Checker {
  constructor(readonly path: string, readonly yaml: YamlFile, readonly problems: Problem[]) {}
  fail(where: (string | number)[], message: string): void {
    this.problems.push({ file: this.path, line: this.yaml.lineOf(where), level: 'FAIL', message });
  }
  warn(where: (string | number)[], message: string): void {
    this.problems.push({ file: this.path, line: this.yaml.lineOf(where), level: 'WARN', message });
  }
}

const MATCHERS = ['entity', 'brand', 'model', 'serial', 'mac', 'ip'] as const;

function exceptionMatch(e: NonNullable<RawPolicy['exceptions']>[number], i: number, k: Knowledge, check: Checker): ExceptionMatch | null {
  const where = (key: string) => ['exceptions', i, key];
  if (!MATCHERS.some((m) => e[m] !== undefined)) {
    check.fail(['exceptions', i], `exceptions[${i}]: name what it covers: one or more of ${MATCHERS.join(', ')}`);
    return null;
  }
  const match: { -readonly [K in keyof ExceptionMatch]: ExceptionMatch[K] } = {};
  for (const key of ['entity', 'brand'] as const) {
    const id = e[key];
    if (id === undefined) continue;
    if (!k.entities.has(id)) check.fail(where(key), `exceptions[${i}].${key}: unknown entity "${id}"`);
    match[key] = id;
  }
  if (e.model !== undefined) {
    // Case-insensitive: vendors write the same model in upper and lower case.
    const pattern = compile(e.model, 'i', (msg) => check.fail(where('model'), `exceptions[${i}].model: ${msg}`));
    if (pattern) match.model = pattern;
  }
  if (e.serial !== undefined) match.serial = e.serial.trim();
  if (e.mac !== undefined) {
    const mac = normalizeMac(e.mac);
    if (mac === null) check.fail(where('mac'), `exceptions[${i}].mac: ${JSON.stringify(e.mac)} is not a MAC address`);
    else match.mac = mac;
  }
  if (e.ip !== undefined) {
    try {
      match.ip = parseSpec(e.ip);
    } catch {
      check.fail(where('ip'), `exceptions[${i}].ip: ${JSON.stringify(e.ip)} is not an IPv4 address, CIDR or range`);
    }
  }
  return match;
}

function isCalendarDate(text: string): boolean {
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** vendor-db plus the file's own makers; a name or id may belong to one entity only. */
function extend(k: Knowledge, raws: readonly RawEntity[], check: Checker): Knowledge {
  if (raws.length === 0) return k;
  const entities = new Map(k.entities);
  const aliasToEntity = new Map(k.aliasToEntity);
  const ouiOrgToEntity = new Map(k.ouiOrgToEntity);
  raws.forEach((e, i) => {
    const line = check.yaml.lineOf(['entities', i]);
    if (entities.has(e.id)) {
      check.fail(['entities', i, 'id'], `entities: "${e.id}" is already an entity${k.entities.has(e.id) ? ' in vendor-db' : ''}`);
      return;
    }
    entities.set(e.id, {
      id: e.id, name: e.name, parent: e.parent ?? null, relation: e.relation ?? null, relationConfidence: e.relationConfidence ?? null,
      formerParent: null, aliases: e.aliases ?? [], ouiOrgNames: e.ouiOrgNames ?? [], sources: [], line,
    } satisfies Entity);
    for (const alias of e.aliases ?? []) {
      const key = normalizeAlias(alias);
      const owner = aliasToEntity.get(key);
      if (owner !== undefined) check.fail(['entities', i, 'aliases'], `entities: alias "${alias}" already belongs to "${owner}"`);
      else aliasToEntity.set(key, e.id);
    }
    for (const org of e.ouiOrgNames ?? []) {
      const owner = ouiOrgToEntity.get(org);
      if (owner !== undefined) check.fail(['entities', i, 'ouiOrgNames'], `entities: ouiOrgName "${org}" already belongs to "${owner}"`);
      else ouiOrgToEntity.set(org, e.id);
    }
  });
  raws.forEach((e, i) => {
    if (e.parent === undefined) return;
    if (!entities.has(e.parent)) check.fail(['entities', i, 'parent'], `entities: unknown parent "${e.parent}"`);
    const seen = new Set<string>([e.id]);
    for (let at: string | null = e.parent; at !== null; at = entities.get(at)?.parent ?? null) {
      if (seen.has(at)) {
        check.fail(['entities', i, 'parent'], `entities: parent cycle through "${at}"`);
        break;
      }
      seen.add(at);
    }
  });
  return { ...k, entities, aliasToEntity, ouiOrgToEntity };
}
