// Turns schema-valid vendor-db files into a Knowledge value, checking the cross-references a loader
// cannot do without: ids unique across the database, every cited source and entity exists, no cycles,
// regular expressions compile and their capture groups line up with their fields.
import { DEVICE_TYPES, type Confidence, type DeviceType, type Field, type MatchKey } from '../core/types.js';
import { normalizeAlias } from './alias.js';
import { itemLabel, type Problem } from './problem.js';
import type {
  Entity, Fingerprint, FingerprintDb, FingerprintExample, ListRow, NotRelatedOrg, Relabel, RestrictionList, RowCovers, SourceRef,
} from './types.js';
import type { YamlFile } from './yaml-file.js';

/** A parsed file with the array items that passed its schema (index kept, for line numbers). */
export interface CheckedFile<T> {
  readonly yaml: YamlFile;
  readonly items: readonly { readonly index: number; readonly value: T }[];
}

// Shapes after schema validation (see vendor-db/schema/*.schema.json).
export interface RawSource { id: string; title: string; url: string; type: string }
export interface RawEntity {
  id: string; name: string; parent?: string | null; relation?: 'subsidiary' | 'affiliate' | null;
  relationConfidence?: Confidence | null; formerParent?: { id: string; until: string; note: string } | null;
  aliases?: string[]; ouiOrgNames?: string[]; sources: string[];
}
export interface RawNotRelated { ouiOrgName: string; reason: string; sources: string[] }
export interface RawRelabel {
  brand: string; builtBy: string; confidence: Confidence; evidence: string; sources: string[];
  exceptModels: { pattern: string; flags?: string; reason: string; sources: string[] }[];
}
export interface RawRow {
  ref: string; entity: string | null; category?: string; covers: RowCovers; names: string[];
  dateOfInclusion: string | null; scope: string; scopeLimit: string | null; sources: string[];
}
export interface RawList {
  id: string; name: string; authority: string; jurisdiction: string; citation: string; url: string; effective: string;
  flags: boolean; coversAffiliates: boolean; defaultPolicy: boolean; sources: string[]; rows: RawRow[];
}
export interface RawFingerprint {
  id: string; description: string; pattern: string; flags?: string; certainty: Confidence;
  set?: Record<string, string>; capture?: Record<string, string>; sources: string[];
  examples: { value: string; expect: Record<string, string> }[];
}
export interface RawFingerprintFile { matches: string; fingerprints: RawFingerprint[] }

export interface RawDb {
  sources: CheckedFile<RawSource> | null;
  entities: CheckedFile<RawEntity> | null;
  notRelated: CheckedFile<RawNotRelated> | null;
  relabels: CheckedFile<RawRelabel> | null;
  lists: { yaml: YamlFile; list: RawList; rows: CheckedFile<RawRow>['items'] }[];
  fingerprints: { yaml: YamlFile; matches: string; fingerprints: CheckedFile<RawFingerprint>['items'] }[];
}

export interface Built {
  readonly sources: Map<string, SourceRef>;
  readonly entities: Map<string, Entity>;
  readonly notRelated: NotRelatedOrg[];
  readonly relabels: Relabel[];
  readonly lists: RestrictionList[];
  readonly fingerprints: Map<MatchKey, FingerprintDb>;
  readonly ouiOrgToEntity: Map<string, string>;
  readonly aliasToEntity: Map<string, string>;
}

class Checker {
  private readonly ids = new Map<string, string>(); // id → "file:line" where first defined
  constructor(readonly problems: Problem[], readonly sourceIds: Set<string>) {}

  fail(file: string, line: number, message: string, item?: string): void {
    this.problems.push(item === undefined ? { file, line, level: 'FAIL', message } : { file, line, level: 'FAIL', message, item });
  }

  /** Ids share one namespace across the database, so an id names one thing wherever it is cited. */
  claim(id: string, file: string, line: number, item: string): void {
    const first = this.ids.get(id);
    if (first !== undefined) this.fail(file, line, `duplicate id "${id}" (first defined at ${first})`, item);
    else this.ids.set(id, `${file}:${line}`);
  }

  cites(sources: readonly string[], file: string, line: number, item: string): void {
    for (const id of sources) if (!this.sourceIds.has(id)) this.fail(file, line, `unknown source "${id}"`, item);
  }
}

export function buildKnowledge(raw: RawDb, problems: Problem[]): Built {
  const sources = new Map<string, SourceRef>();
  for (const { value } of raw.sources?.items ?? []) sources.set(value.id, value);
  const check = new Checker(problems, new Set(sources.keys()));
  for (const { index, value } of raw.sources?.items ?? []) {
    check.claim(value.id, 'sources.yaml', raw.sources!.yaml.lineOf(['sources', index]), itemLabel.source(value.id));
  }
  const entities = buildEntities(raw.entities, check);
  const notRelated = (raw.notRelated?.items ?? []).map(({ index, value }): NotRelatedOrg => {
    const line = raw.notRelated!.yaml.lineOf(['notRelated', index]);
    check.cites(value.sources, 'not-related.yaml', line, itemLabel.notRelated(value.ouiOrgName));
    return { ...value, line };
  });
  const relabels = buildRelabels(raw.relabels, entities, check);
  const lists = raw.lists.map((file) => buildList(file, entities, check));
  const fingerprints = new Map<MatchKey, FingerprintDb>();
  for (const file of raw.fingerprints) {
    const db = buildFingerprintDb(file, entities, check);
    if (db) fingerprints.set(db.matches, db);
  }
  return { sources, entities, notRelated, relabels, lists, fingerprints, ...indexNames(entities, check) };
}

function buildEntities(file: CheckedFile<RawEntity> | null, check: Checker): Map<string, Entity> {
  const entities = new Map<string, Entity>();
  if (!file) return entities;
  for (const { index, value: e } of file.items) {
    const line = file.yaml.lineOf(['entities', index]);
    check.claim(e.id, 'entities.yaml', line, itemLabel.entity(e.id));
    check.cites(e.sources, 'entities.yaml', line, itemLabel.entity(e.id));
    entities.set(e.id, {
      id: e.id, name: e.name, parent: e.parent ?? null, relation: e.relation ?? null,
      relationConfidence: e.relationConfidence ?? null, formerParent: e.formerParent ?? null,
      aliases: e.aliases ?? [], ouiOrgNames: e.ouiOrgNames ?? [], sources: e.sources, line,
    });
  }
  for (const e of entities.values()) {
    const item = itemLabel.entity(e.id);
    if (e.parent !== null && !entities.has(e.parent)) check.fail('entities.yaml', e.line, `unknown parent "${e.parent}"`, item);
    if (e.formerParent && !entities.has(e.formerParent.id)) {
      check.fail('entities.yaml', e.line, `unknown formerParent "${e.formerParent.id}"`, item);
    }
    if (e.parent !== null && e.parent === e.formerParent?.id) {
      check.fail('entities.yaml', e.line, `"${e.parent}" is both parent and formerParent`, item);
    }
    const cycle = findCycle(e.id, (id) => {
      const parent = entities.get(id)?.parent;
      return parent ? [parent] : [];
    });
    if (cycle) check.fail('entities.yaml', e.line, `parent cycle: ${cycle.join(' → ')}`, item);
  }
  return entities;
}

function buildRelabels(file: CheckedFile<RawRelabel> | null, entities: Map<string, Entity>, check: Checker): Relabel[] {
  const relabels: Relabel[] = [];
  const pairs = new Set<string>();
  for (const { index, value: r } of file?.items ?? []) {
    const line = file!.yaml.lineOf(['relabels', index]);
    const item = itemLabel.relabel(r.brand, r.builtBy);
    check.cites(r.sources, 'relabels.yaml', line, item);
    for (const id of [r.brand, r.builtBy]) if (!entities.has(id)) check.fail('relabels.yaml', line, `unknown entity "${id}"`, item);
    if (r.brand === r.builtBy) check.fail('relabels.yaml', line, `"${r.brand}" relabels itself`, item);
    if (pairs.has(`${r.brand} ${r.builtBy}`)) check.fail('relabels.yaml', line, `duplicate relabel ${r.brand} → ${r.builtBy}`, item);
    pairs.add(`${r.brand} ${r.builtBy}`);
    const exceptModels = r.exceptModels.flatMap((ex, i) => {
      const exLine = file!.yaml.lineOf(['relabels', index, 'exceptModels', i, 'pattern']);
      check.cites(ex.sources, 'relabels.yaml', exLine, item);
      const pattern = compile(ex.pattern, ex.flags ?? '', (msg) => check.fail('relabels.yaml', exLine, msg, item));
      return pattern ? [{ pattern, reason: ex.reason, sources: ex.sources }] : [];
    });
    relabels.push({ brand: r.brand, builtBy: r.builtBy, confidence: r.confidence, evidence: r.evidence, sources: r.sources, exceptModels, line });
  }
  // A brand built by a maker that is itself a relabel of the brand would make "who built it" undefined.
  const builders = (id: string) => relabels.filter((r) => r.brand === id).map((r) => r.builtBy);
  for (const r of relabels) {
    const cycle = findCycle(r.brand, builders);
    if (cycle) check.fail('relabels.yaml', r.line, `relabel cycle: ${cycle.join(' → ')}`, itemLabel.relabel(r.brand, r.builtBy));
  }
  return relabels;
}

function buildList(file: RawDb['lists'][number], entities: Map<string, Entity>, check: Checker): RestrictionList {
  const { yaml, list } = file;
  const listItem = itemLabel.list(yaml.file);
  const expectedId = yaml.file.replace(/^lists\//, '').replace(/\.yaml$/, '');
  check.claim(list.id, yaml.file, yaml.lineOf(['id']), listItem);
  check.cites(list.sources, yaml.file, yaml.lineOf(['sources']), listItem);
  if (list.id !== expectedId) check.fail(yaml.file, yaml.lineOf(['id']), `id "${list.id}" does not match the file name`, listItem);
  if (list.defaultPolicy && !list.flags) {
    check.fail(yaml.file, yaml.lineOf(['defaultPolicy']), 'defaultPolicy: true on a list with flags: false', listItem);
  }
  const refs = new Set<string>();
  const rows = file.rows.map(({ index, value: r }): ListRow => {
    const line = yaml.lineOf(['rows', index]);
    const item = itemLabel.row(yaml.file, r.ref);
    if (refs.has(r.ref)) check.fail(yaml.file, line, `duplicate row ref "${r.ref}"`, item);
    refs.add(r.ref);
    check.cites(r.sources, yaml.file, line, item);
    if (r.entity !== null && !entities.has(r.entity)) check.fail(yaml.file, line, `unknown entity "${r.entity}"`, item);
    if (r.entity !== null && r.category !== undefined) check.fail(yaml.file, line, 'a row names either an entity or a category', item);
    if (r.entity === null && r.category === undefined && r.covers !== 'services') {
      check.fail(yaml.file, line, 'entity: null needs a category or covers: services', item);
    }
    return {
      ref: r.ref, entity: r.entity, category: r.category ?? null, covers: r.covers, names: r.names,
      dateOfInclusion: r.dateOfInclusion, scope: r.scope, scopeLimit: r.scopeLimit, sources: r.sources, line,
    };
  });
  return {
    id: list.id, name: list.name, authority: list.authority, jurisdiction: list.jurisdiction, citation: list.citation,
    url: list.url, effective: list.effective, flags: list.flags, coversAffiliates: list.coversAffiliates,
    defaultPolicy: list.defaultPolicy, rows, sources: list.sources, file: yaml.file,
  };
}

function buildFingerprintDb(file: RawDb['fingerprints'][number], entities: Map<string, Entity>, check: Checker): FingerprintDb | null {
  const { yaml } = file;
  const expectedKey = yaml.file.replace(/^fingerprints\//, '').replace(/\.yaml$/, '');
  if (file.matches !== expectedKey) {
    check.fail(yaml.file, yaml.lineOf(['matches']), `matches "${file.matches}" does not match the file name`);
    return null;
  }
  const descriptions = new Set<string>();
  const fingerprints = file.fingerprints.flatMap(({ index, value: f }): Fingerprint[] => {
    const at = (...path: (string | number)[]) => yaml.lineOf(['fingerprints', index, ...path]);
    const item = itemLabel.fingerprint(yaml.file, f.id);
    const fail = (line: number, msg: string) => check.fail(yaml.file, line, msg, item);
    check.claim(f.id, yaml.file, at(), item);
    check.cites(f.sources, yaml.file, at('sources'), item);
    if (descriptions.has(f.description)) fail(at('description'), `duplicate description "${f.description}"`);
    descriptions.add(f.description);
    const pattern = compile(f.pattern, f.flags ?? '', (msg) => fail(at('pattern'), msg));
    const set = (f.set ?? {}) as Partial<Record<Field, string>>;
    const capture: Record<number, Field> = {};
    for (const [index, field] of Object.entries(f.capture ?? {})) capture[Number(index)] = field as Field;
    for (const [field, value] of Object.entries(set) as [Field, string][]) {
      if (Object.values(capture).includes(field)) fail(at('set', field), `${field} is both set and captured`);
      if (field === 'hw.device' && !DEVICE_TYPES.includes(value as DeviceType)) fail(at('set', field), `hw.device "${value}" is not a DeviceType`);
      if ((field === 'hw.vendor' || field === 'hw.brand') && !entities.has(value)) fail(at('set', field), `${field} "${value}" is not an entity id`);
    }
    if (pattern) {
      const groups = captureGroupCount(pattern);
      const highest = Math.max(0, ...Object.keys(capture).map(Number));
      if (groups !== highest) fail(at('pattern'), `pattern has ${groups} capture group(s) but capture goes up to ${highest}`);
    }
    if (Object.keys(set).length === 0 && Object.keys(capture).length === 0) fail(at(), 'sets and captures no field');
    if (!pattern) return [];
    const examples = f.examples.map((ex, i): FingerprintExample => ({
      value: ex.value, expect: ex.expect as Partial<Record<Field, string>>, line: at('examples', i),
    }));
    return [{ id: f.id, description: f.description, pattern, certainty: f.certainty, set, capture, examples, sources: f.sources, line: at() }];
  });
  return { matches: file.matches as MatchKey, file: yaml.file, fingerprints };
}

/** Alias and OUI organisation indexes; one name may belong to one entity only. */
function indexNames(entities: Map<string, Entity>, check: Checker) {
  const aliasToEntity = new Map<string, string>();
  const ouiOrgToEntity = new Map<string, string>();
  for (const e of entities.values()) {
    const item = itemLabel.entity(e.id);
    for (const alias of e.aliases) {
      const key = normalizeAlias(alias);
      const owner = aliasToEntity.get(key);
      if (key === '') check.fail('entities.yaml', e.line, `alias "${alias}" is empty once normalised`, item);
      else if (owner !== undefined && owner !== e.id) check.fail('entities.yaml', e.line, `alias "${alias}" already belongs to "${owner}"`, item);
      else aliasToEntity.set(key, e.id);
    }
    for (const org of e.ouiOrgNames) {
      const owner = ouiOrgToEntity.get(org);
      if (owner !== undefined && owner !== e.id) check.fail('entities.yaml', e.line, `ouiOrgName "${org}" already belongs to "${owner}"`, item);
      else ouiOrgToEntity.set(org, e.id);
    }
  }
  return { aliasToEntity, ouiOrgToEntity };
}

export function compile(pattern: string, flags: string, fail: (message: string) => void): RegExp | null {
  // g and y make RegExp stateful (lastIndex), which would make matching depend on the previous call.
  if (/[gy]/.test(flags)) {
    fail(`flags "${flags}": g and y are not allowed`);
    return null;
  }
  try {
    return new RegExp(pattern, flags);
  } catch (err) {
    fail(`invalid regular expression: ${(err as Error).message}`);
    return null;
  }
}

export function captureGroupCount(pattern: RegExp): number {
  return new RegExp(`(?:${pattern.source})|`, pattern.flags).exec('')!.length - 1;
}

/** A path that returns to `start` following `next`, or null. */
function findCycle(start: string, next: (id: string) => readonly string[]): string[] | null {
  const walk = (id: string, path: string[]): string[] | null => {
    for (const to of next(id)) {
      if (to === start) return [...path, to];
      if (path.includes(to)) continue; // a cycle not through `start`: reported for its own members
      const found = walk(to, [...path, to]);
      if (found) return found;
    }
    return null;
  };
  return walk(start, [start]);
}
