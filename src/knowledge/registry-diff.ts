// What a registry refresh changes for the makers camaudit knows: new and withdrawn MAC blocks of every
// entity with ouiOrgNames (the IEEE assigns Hikvision and Dahua new blocks every year), and organisation
// names that read like a restricted maker but that vendor-db maps to nothing, which a contributor must
// place in entities.yaml or not-related.yaml.
import { normalizeAlias } from './alias.js';
import { restrictedFamilyOf } from './family.js';
import type { OuiRegistry } from './oui.js';
import type { Knowledge, NotRelatedOrg } from './types.js';

export interface EntityChange {
  readonly entity: string;
  readonly name: string;
  /** The restricted family the entity belongs to, or null. */
  readonly restrictedFamily: string | null;
  readonly added: readonly string[]; // prefixes, sorted
  readonly removed: readonly string[];
  readonly total: number; // prefixes in the new registry
}

export interface Lookalike {
  readonly org: string;
  readonly family: string; // the restricted family whose alias the name contains
  readonly prefixes: readonly string[];
  readonly added: readonly string[]; // of those, the ones not in the previous registry
}

export interface RegistryDiff {
  readonly entities: readonly EntityChange[]; // only entities whose prefixes changed
  readonly lookalikes: readonly Lookalike[];
  readonly before: number; // registry sizes
  readonly after: number;
}

export function registryDiff(
  before: OuiRegistry, after: OuiRegistry, afterEntries: Readonly<Record<string, string>>, k: Knowledge, notRelated: readonly NotRelatedOrg[],
): RegistryDiff {
  const entities: EntityChange[] = [];
  for (const e of k.entities.values()) {
    if (e.ouiOrgNames.length === 0) continue;
    const old = new Set(e.ouiOrgNames.flatMap((org) => before.prefixesOf(org)));
    const now = new Set(e.ouiOrgNames.flatMap((org) => after.prefixesOf(org)));
    const added = [...now].filter((p) => !old.has(p)).sort();
    const removed = [...old].filter((p) => !now.has(p)).sort();
    if (added.length + removed.length === 0) continue;
    entities.push({ entity: e.id, name: e.name, restrictedFamily: restrictedFamilyOf(k, e.id), added, removed, total: now.size });
  }
  entities.sort((a, b) => Number(b.restrictedFamily !== null) - Number(a.restrictedFamily !== null) || a.entity.localeCompare(b.entity));
  return { entities, lookalikes: lookalikes(before, afterEntries, k, notRelated), before: before.size, after: after.size };
}

/** One-word aliases of restricted-family entities ("hikvision", "dahua", "zte"), each with its family. */
function familyWords(k: Knowledge): Map<string, string> {
  const words = new Map<string, string>();
  for (const e of k.entities.values()) {
    const family = restrictedFamilyOf(k, e.id);
    if (family === null) continue;
    for (const alias of e.aliases) {
      const word = normalizeAlias(alias);
      if (/^[a-z0-9]{3,}$/.test(word)) words.set(word, family);
    }
  }
  return words;
}

function lookalikes(before: OuiRegistry, afterEntries: Readonly<Record<string, string>>, k: Knowledge, notRelated: readonly NotRelatedOrg[]): Lookalike[] {
  const words = familyWords(k);
  const known = new Set(notRelated.map((n) => n.ouiOrgName));
  const byOrg = new Map<string, string[]>();
  for (const [prefix, org] of Object.entries(afterEntries)) {
    if (k.ouiOrgToEntity.has(org) || known.has(org)) continue;
    const list = byOrg.get(org);
    if (list) list.push(prefix);
    else byOrg.set(org, [prefix]);
  }
  const found: Lookalike[] = [];
  const anyWord = new RegExp([...words.keys()].join('|'), 'i'); // a cheap first pass over ~30,000 names
  for (const [org, prefixes] of byOrg) {
    if (!anyWord.test(org)) continue;
    // Whole words only: "ZTEC Instruments" is not ZTE.
    const family = normalizeAlias(org).split(/[^\p{L}\p{N}]+/u).map((w) => words.get(w)).find((f) => f !== undefined);
    if (family === undefined) continue;
    const had = new Set(before.prefixesOf(org));
    found.push({ org, family, prefixes: prefixes.sort(), added: prefixes.filter((p) => !had.has(p)).sort() });
  }
  return found.sort((a, b) => a.org.localeCompare(b.org));
}
