// The self-test of vendor-db, after Rapid7 recog's recog_verify: the checks that need more than the files
// themselves — the IEEE registry (oui-data) and the matcher that will run the fingerprints. The loader's
// syntax, schema and cross-reference problems (db.problems) come first in the result.
import { join } from 'node:path';
import { FIELDS, type Field } from '../core/types.js';
import { matchValue } from '../identify/fingerprint.js';
import { normalizeAlias, resolveBrand } from './alias.js';
import { restrictedFamilyOf, rowFlagsDevices } from './family.js';
import type { VendorDb } from './load.js';
import type { OuiRegistry } from './oui.js';
import { itemLabel, type Problem } from './problem.js';
import type { Knowledge } from './types.js';
import { readYamlFile } from './yaml-file.js';

export function verifyVendorDb(db: VendorDb, oui: OuiRegistry): Problem[] {
  const problems = [...db.problems];
  const report = (level: Problem['level'], file: string, line: number, message: string, item: string) =>
    problems.push({ file, line, level, message, item });
  const fail = (file: string, line: number, message: string, item: string) => report('FAIL', file, line, message, item);
  const k = db.knowledge;

  for (const e of k.entities.values()) {
    const item = itemLabel.entity(e.id);
    // Organisation names are matched exactly: a spelling that is not in the registry never matches any MAC.
    for (const org of e.ouiOrgNames) {
      if (oui.prefixesOf(org).length === 0) fail('entities.yaml', e.line, `ouiOrgName "${org}" is not an organisation in the OUI registry`, item);
    }
    // Guards resolveBrand against the index it reads (a normalisation change that stops whole aliases from
    // matching); duplicate and empty aliases are reported by build.ts, so they are skipped here.
    for (const alias of e.aliases) {
      if (k.aliasToEntity.get(normalizeAlias(alias)) !== e.id) continue;
      const got = resolveBrand(k, alias);
      if (got !== e.id) fail('entities.yaml', e.line, `alias "${alias}" resolves to ${JSON.stringify(got)}, not to "${e.id}"`, item);
    }
  }

  for (const nr of db.notRelated) {
    const item = itemLabel.notRelated(nr.ouiOrgName);
    const owner = k.ouiOrgToEntity.get(nr.ouiOrgName);
    if (owner !== undefined) fail('not-related.yaml', nr.line, `"${nr.ouiOrgName}" is also an ouiOrgName of entity "${owner}"`, item);
    // A name collision is only worth listing if it could be seen: WARN, since the registry may drop a name.
    if (oui.prefixesOf(nr.ouiOrgName).length === 0) {
      report('WARN', 'not-related.yaml', nr.line, `"${nr.ouiOrgName}" is not an organisation in the OUI registry`, item);
    }
    // The same name reported as a brand string (e.g. in an ONVIF Manufacturer field) must not be read, as a
    // whole-word prefix, as a restricted maker's alias: "Shanghai Dahua Scale Factory" is not Dahua.
    const brand = resolveBrand(k, nr.ouiOrgName);
    const family = brand === null ? null : restrictedFamilyOf(k, brand);
    if (family !== null) {
      fail('not-related.yaml', nr.line, `"${nr.ouiOrgName}" reads as brand "${brand}" of the restricted ${family} family`, item);
    }
  }

  // A list that may flag but has no row naming an equipment maker would silently flag nothing.
  for (const list of k.lists) {
    if (list.flags && !list.rows.some(rowFlagsDevices)) {
      const line = readYamlFile(join(db.dir, list.file), list.file, []).lineOf(['flags']);
      fail(list.file, line, 'flags: true but no row names an entity with covers: equipment', itemLabel.list(list.file));
    }
  }

  for (const fdb of k.fingerprints.values()) {
    for (const fp of fdb.fingerprints) {
      // The schema requires examples too; a fingerprint without one is a pattern nobody has seen match.
      if (fp.examples.length === 0) fail(fdb.file, fp.line, 'no examples', itemLabel.fingerprint(fdb.file, fp.id));
      for (const ex of fp.examples) {
        const item = itemLabel.example(fdb.file, fp.id, ex.value);
        // Run the example as the scanner would, so an earlier, broader fingerprint that shadows it is caught.
        const hit = matchValue(fdb.matches, ex.value, k);
        const expected = showFields(ex.expect);
        if (hit === null) fail(fdb.file, ex.line, `example ${JSON.stringify(ex.value)} matches no fingerprint; expected ${expected}`, item);
        else if (hit.fp !== fp) {
          fail(fdb.file, ex.line, `example ${JSON.stringify(ex.value)} is matched first by "${hit.fp.id}" (got ${showFields(hit.fields)}), not by "${fp.id}"`, item);
        } else if (showFields(hit.fields) !== expected) {
          fail(fdb.file, ex.line, `example ${JSON.stringify(ex.value)}: expected ${expected}, got ${showFields(hit.fields)}`, item);
        }
      }
    }
  }
  return problems;
}

/** Fields in FIELDS order, so two results compare (and print) the same whatever order they were built in. */
function showFields(fields: Partial<Record<Field, string>>): string {
  return JSON.stringify(Object.fromEntries(FIELDS.filter((f) => fields[f] !== undefined).map((f) => [f, fields[f]])));
}

/** What a run checked, for the one-line summary of bin/verify-db.js. */
export function countItems(k: Knowledge): { entities: number; lists: number; rows: number; fingerprints: number; examples: number } {
  const fingerprints = [...k.fingerprints.values()].flatMap((db) => db.fingerprints);
  return {
    entities: k.entities.size,
    lists: k.lists.length,
    rows: k.lists.reduce((n, list) => n + list.rows.length, 0),
    fingerprints: fingerprints.length,
    examples: fingerprints.reduce((n, fp) => n + fp.examples.length, 0),
  };
}
