// `camaudit db status`: how old each dataset is and where it comes from. The MAC registry is dated by its
// files (or by the shipped package's publication); a list by the newest date it records (a row's inclusion
// or its `effective` text); fingerprints carry no date of their own and go with the installed release.
import { basename, join } from 'node:path';
import type { EffectiveRegistry } from './oui.js';
import { SHIPPED_OUI } from './oui.js';
import type { Knowledge } from './types.js';

export interface DatasetStatus {
  readonly dataset: string;
  readonly kind: 'registry' | 'list' | 'fingerprints' | 'entities' | 'relabels';
  readonly source: string;
  readonly asOf: string | null; // YYYY-MM-DD
  readonly ageDays: number | null;
  readonly items: number;
  readonly warning: string | null;
}

export interface StatusInput {
  readonly registry: EffectiveRegistry;
  readonly knowledge: Knowledge;
  readonly vendorDbDir: string;
  readonly now: Date;
  readonly maxAgeDays: number;
}

const DAY_MS = 86_400_000;
const DATE = /\b(\d{4}-\d{2}-\d{2})\b/g;

export function datasetStatus(input: StatusInput): DatasetStatus[] {
  const { knowledge: k, now } = input;
  const vendorDbDir = basename(input.vendorDbDir); // "vendor-db/lists/…": the same on every installation
  const age = (asOf: string | null) => (asOf === null ? null : Math.max(0, Math.floor((now.getTime() - Date.parse(`${asOf}T00:00:00Z`)) / DAY_MS)));
  const out: DatasetStatus[] = [registryStatus(input, age)];
  for (const list of k.lists) {
    const dates = [...list.rows.flatMap((r) => (r.dateOfInclusion ? [r.dateOfInclusion] : [])), ...[...list.effective.matchAll(DATE)].map((m) => m[1]!)];
    // Future dates in `effective` are deadlines, not changes.
    const asOf = dates.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && d <= now.toISOString().slice(0, 10)).sort().at(-1) ?? null;
    out.push({ dataset: `list ${list.id}`, kind: 'list', source: `${join(vendorDbDir, list.file)} (${list.url})`, asOf, ageDays: age(asOf), items: list.rows.length, warning: null });
  }
  for (const db of k.fingerprints.values()) {
    out.push({ dataset: `fingerprints ${db.matches}`, kind: 'fingerprints', source: join(vendorDbDir, db.file), asOf: null, ageDays: null, items: db.fingerprints.length, warning: null });
  }
  out.push({ dataset: 'entities', kind: 'entities', source: join(vendorDbDir, 'entities.yaml'), asOf: null, ageDays: null, items: k.entities.size, warning: null });
  out.push({ dataset: 'relabels', kind: 'relabels', source: join(vendorDbDir, 'relabels.yaml'), asOf: null, ageDays: null, items: k.relabels.length, warning: null });
  return out;
}

function registryStatus(input: StatusInput, age: (asOf: string | null) => number | null): DatasetStatus {
  const { registry: r, maxAgeDays } = input;
  const warnings: string[] = [];
  if (r.problem) warnings.push(`the refreshed registry ${r.path} is unusable (${r.problem}); using the shipped one`);
  let source: string;
  let asOf: string;
  if (r.refreshed) {
    // The data is as old as its oldest file: HTTP Last-Modified, a --from file's mtime, else the refresh time.
    asOf = r.refreshed.files.map((f) => (f.date ?? r.refreshed!.savedAt).slice(0, 10)).sort()[0] ?? r.refreshed.savedAt.slice(0, 10);
    source = `${r.path}, refreshed ${r.refreshed.savedAt.slice(0, 10)} from ${r.refreshed.files.map((f) => f.from).join(', ')}`;
    if (asOf < SHIPPED_OUI.published) warnings.push(`it is older than the shipped ${SHIPPED_OUI.package} ${SHIPPED_OUI.version} (${SHIPPED_OUI.published}); run \`camaudit db update\``);
  } else {
    asOf = SHIPPED_OUI.published;
    source = `${SHIPPED_OUI.package} ${SHIPPED_OUI.version} (shipped with camaudit)`;
  }
  const days = age(asOf);
  if (days !== null && days > maxAgeDays) warnings.push(`${days} days old, more than ${maxAgeDays}: run \`camaudit db update\` (the IEEE assigns new blocks every week)`);
  return { dataset: 'mac-registry', kind: 'registry', source, asOf, ageDays: days, items: r.registry.size, warning: warnings.length ? warnings.join('; ') : null };
}
