// Fingerprint matching, after recog: each observation is tried against the fingerprints for its key,
// in file order, and the first that matches wins. Brand and vendor values a pattern captures are
// device-reported strings; they are resolved to entity ids through the aliases, and an unknown brand
// yields nothing (rather than an id that no policy could ever judge).
import type { Field, Match, Observation } from '../core/types.js';
import { resolveBrand } from '../knowledge/alias.js';
import type { Fingerprint, Knowledge } from '../knowledge/types.js';

const ENTITY_FIELDS: ReadonlySet<Field> = new Set(['hw.vendor', 'hw.brand']);

/** The fields one fingerprint yields for `value`, or null when it does not match or yields nothing. */
export function applyFingerprint(fp: Fingerprint, value: string, k: Pick<Knowledge, 'aliasToEntity'>): Partial<Record<Field, string>> | null {
  const m = fp.pattern.exec(value);
  if (!m) return null;
  const fields: Partial<Record<Field, string>> = { ...fp.set };
  for (const [group, field] of Object.entries(fp.capture) as [string, Field][]) {
    const captured = m[Number(group)];
    if (captured === undefined || captured === '') continue;
    if (ENTITY_FIELDS.has(field)) {
      const id = resolveBrand(k, captured);
      if (id !== null) fields[field] = id;
    } else fields[field] = captured;
  }
  return Object.keys(fields).length > 0 ? fields : null;
}

/** The first fingerprint for `key` that yields fields for `value`. */
export function matchValue(key: Observation['key'], value: string, k: Knowledge): { fp: Fingerprint; fields: Partial<Record<Field, string>> } | null {
  const db = k.fingerprints.get(key);
  if (!db) return null;
  for (const fp of db.fingerprints) {
    const fields = applyFingerprint(fp, value, k);
    if (fields) return { fp, fields };
  }
  return null;
}

export function matchObservations(observations: readonly Observation[], k: Knowledge): Match[] {
  const matches: Match[] = [];
  for (const o of observations) {
    const hit = matchValue(o.key, o.value, k);
    if (hit) matches.push({ fingerprintId: hit.fp.id, description: hit.fp.description, certainty: hit.fp.certainty, fields: hit.fields, from: o });
  }
  return matches;
}
