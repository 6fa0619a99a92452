// The shape of vendor-db/ once loaded and validated. Only src/knowledge/ reads the files; everything
// else receives a Knowledge value.
import type { Confidence, DeviceType, Field, MatchKey } from '../core/types.js';

/** Where a fact comes from (vendor-db/sources.yaml). */
export interface SourceRef {
  readonly id: string; // "S-FCC-SNAP"
  readonly title: string;
  readonly url: string;
  readonly type: string; // primary, secondary, law-firm summary, news, community, …
}

/**
 * A company or brand owner. Restricted families are trees: EZVIZ has parent `hikvision`.
 * Non-restricted makers (Axis, Hanwha, Uniview…) are entities too, so every vendor name has one id.
 */
export interface Entity {
  readonly id: string; // kebab-case, unique across vendor-db
  readonly name: string; // legal or common name
  readonly parent: string | null; // entity id
  readonly relation: 'subsidiary' | 'affiliate' | null; // how it relates to `parent`
  readonly relationConfidence: Confidence | null;
  /** Former family links that no longer make the entity covered (Honor ← Huawei until 2020-11-17). */
  readonly formerParent: { readonly id: string; readonly until: string; readonly note: string } | null;
  /** Brand strings devices report for this entity (ONVIF Manufacturer, name scope, DHIP Vendor), matched normalised and whole, never as substrings. */
  readonly aliases: readonly string[];
  /** IEEE registry organisation names, matched exactly. */
  readonly ouiOrgNames: readonly string[];
  readonly sources: readonly string[];
  readonly line: number; // for file:line diagnostics
}

/** A brand that sells hardware built by another maker (an OEM relabel). */
export interface Relabel {
  readonly brand: string; // entity id of the label
  readonly builtBy: string; // entity id of the real maker
  readonly confidence: Confidence;
  readonly evidence: string;
  readonly sources: readonly string[];
  /** Model lines of the brand known NOT to be built by `builtBy` (e.g. NDAA-compliant Amcrest lines). */
  readonly exceptModels: readonly { readonly pattern: RegExp; readonly reason: string; readonly sources: readonly string[] }[];
  readonly line: number;
}

/**
 * What a row restricts. Only `equipment` rows can flag a device: `services` rows (FCC rows 7-10, 14)
 * name carriers, `software` rows (Kaspersky Lab, Inc.) name software, and `operations` rows (the ICA
 * order closing Hikvision Canada) restrict a business, not the use of anything.
 */
export type RowCovers = 'equipment' | 'services' | 'software' | 'operations';
export const ROW_COVERS: readonly RowCovers[] = ['equipment', 'services', 'software', 'operations'];

export interface ListRow {
  readonly ref: string; // "row 4" on the FCC list, "889(f)(3)(B)" …
  /** Entity id, or null for rows that name no device maker (category rows, services-only carriers). */
  readonly entity: string | null;
  /** Set on category rows (FCC rows 12-13, 15-16: defined by product type and place of production). */
  readonly category: string | null;
  readonly covers: RowCovers;
  readonly names: readonly string[]; // names exactly as the list writes them
  readonly dateOfInclusion: string | null; // YYYY-MM-DD, or YYYY-MM / YYYY when the source gives no day
  readonly scope: string;
  readonly scopeLimit: string | null; // purpose/use limits, shown with every finding
  readonly sources: readonly string[];
  readonly line: number;
}

export interface RestrictionList {
  readonly id: string; // "us-fcc-covered-list"
  readonly name: string;
  readonly authority: string;
  readonly jurisdiction: string;
  readonly citation: string;
  readonly url: string;
  readonly effective: string;
  /** Context-only lists (UK 2022, Australia 2023 name no entity) never flag on their own. */
  readonly flags: boolean;
  readonly coversAffiliates: boolean;
  readonly defaultPolicy: boolean; // part of the default --policy
  readonly rows: readonly ListRow[];
  readonly sources: readonly string[];
  readonly file: string;
}

export interface FingerprintExample {
  readonly value: string;
  readonly expect: Partial<Record<Field, string>>;
  readonly line: number;
}

export interface Fingerprint {
  readonly id: string;
  readonly description: string;
  readonly pattern: RegExp;
  readonly certainty: Confidence;
  readonly set: Partial<Record<Field, string>>; // fixed values
  readonly capture: Readonly<Record<number, Field>>; // capture group → field
  readonly examples: readonly FingerprintExample[];
  readonly sources: readonly string[]; // where the pattern and its examples come from
  readonly line: number;
}

/** One file of vendor-db/fingerprints/: every fingerprint for one match key, tried in order. */
export interface FingerprintDb {
  readonly matches: MatchKey;
  readonly file: string;
  readonly fingerprints: readonly Fingerprint[];
}

export interface Knowledge {
  readonly entities: ReadonlyMap<string, Entity>;
  readonly relabels: readonly Relabel[];
  readonly lists: readonly RestrictionList[];
  readonly fingerprints: ReadonlyMap<MatchKey, FingerprintDb>;
  readonly sources: ReadonlyMap<string, SourceRef>;
  /** Exact IEEE organisation name → entity id. */
  readonly ouiOrgToEntity: ReadonlyMap<string, string>;
  /** Normalised brand alias (see normalizeAlias) → entity id. */
  readonly aliasToEntity: ReadonlyMap<string, string>;
  readonly deviceTypes: readonly DeviceType[];
}

/** An IEEE organisation name that looks like a restricted maker but is not one (vendor-db/not-related.yaml). */
export interface NotRelatedOrg {
  readonly ouiOrgName: string;
  readonly reason: string;
  readonly sources: readonly string[];
  readonly line: number;
}
