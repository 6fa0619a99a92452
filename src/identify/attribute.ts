// Attribution: who built a device, what label it carries, and how sure we are, from its fingerprint
// matches and its MAC's registry entry. Pure; every decision is listed as evidence.
//
// Precedence for the manufacturer (documented in README "How camaudit decides"):
//   1. protocol-level signals: a fingerprint that sets hw.vendor (SOAP namespaces, firmware and
//      serial formats, SADP/DHIP answers) names the firmware's author whatever the label says;
//   2. the IEEE registry owner of the MAC seen on the local segment (or stated by the device);
//   3. the brand the device reports (ONVIF Manufacturer, name scope), when it is the maker's own brand;
//   4. a relabelled brand's known builder (vendor-db/relabels.yaml), at that entry's confidence.
// Within a tier the higher certainty wins. Never "the last source to answer".
import { CONFIDENCE_RANK, type Attribution, type Confidence, type DeviceType, type EvidenceItem, type Field, type Match, type SourceId } from '../core/types.js';
import type { Knowledge, Relabel } from '../knowledge/types.js';
import { familyRoot } from '../policy/family.js';

export interface OuiHit {
  readonly mac: string;
  readonly prefix: string;
  readonly org: string;
  readonly source: SourceId;
}

interface Claim {
  readonly entity: string;
  readonly tier: 1 | 2 | 3 | 4;
  readonly certainty: Confidence;
  readonly what: string; // "ONVIF Manufacturer", "MAC registry", …
  readonly relabel: Relabel | null;
}

// Direct device-information queries outrank banners when two matches are equally certain.
const SOURCE_RANK: Readonly<Record<SourceId, number>> = {
  onvif: 0, sadp: 1, dhip: 2, 'ws-discovery': 3, http: 4, rtsp: 5, nmap: 6, neighbours: 6, oui: 7,
};

const lowest = (a: Confidence, b: Confidence): Confidence => (CONFIDENCE_RANK[a] <= CONFIDENCE_RANK[b] ? a : b);
const highest = (a: Confidence, b: Confidence): Confidence => (CONFIDENCE_RANK[a] >= CONFIDENCE_RANK[b] ? a : b);

function byStrength(a: Match, b: Match): number {
  return CONFIDENCE_RANK[b.certainty] - CONFIDENCE_RANK[a.certainty] || SOURCE_RANK[a.from.source] - SOURCE_RANK[b.from.source];
}

/** The best value of `field` among the matches, and any equally certain disagreement. */
function pick(matches: readonly Match[], field: Field): { value: string | null; match: Match | null; conflict: string | null } {
  const withField = matches.filter((m) => m.fields[field] !== undefined).sort(byStrength);
  const best = withField[0];
  if (!best) return { value: null, match: null, conflict: null };
  const value = best.fields[field]!;
  const rival = withField.find((m) => m.certainty === best.certainty && m.fields[field]!.toLowerCase() !== value.toLowerCase());
  const conflict = rival ? `${field}: ${describe(best)} says "${value}" but ${describe(rival)} says "${rival.fields[field]}"` : null;
  return { value, match: best, conflict };
}

function describe(m: Match): string {
  return `${m.from.source} ${m.from.key}`;
}

function relabelFor(k: Knowledge, brand: string, model: string | null): { relabel: Relabel | null; excepted: string | null } {
  const r = k.relabels.find((x) => x.brand === brand) ?? null;
  if (!r || !model) return { relabel: r, excepted: null };
  const ex = r.exceptModels.find((e) => e.pattern.test(model));
  return ex ? { relabel: null, excepted: `model ${model} is a ${brand} line not built by ${r.builtBy}: ${ex.reason}` } : { relabel: r, excepted: null };
}

export function attribute(matches: readonly Match[], oui: OuiHit | null, k: Knowledge): Attribution {
  const evidence: EvidenceItem[] = [];
  const conflicts: string[] = [];
  const claims: Claim[] = [];

  for (const m of [...matches].sort(byStrength)) {
    const said = Object.entries(m.fields).map(([f, v]) => `${f}=${v}`).join(', ');
    evidence.push({ source: m.from.source, detail: `${m.from.detail} → ${said} (fingerprint ${m.fingerprintId}, ${m.certainty})` });
    const vendor = m.fields['hw.vendor'];
    if (vendor) claims.push({ entity: vendor, tier: 1, certainty: m.certainty, what: `${m.from.source} ${m.from.key}`, relabel: null });
  }

  if (oui) {
    const entity = k.ouiOrgToEntity.get(oui.org) ?? null;
    evidence.push({
      source: 'oui',
      detail: `MAC ${oui.mac} (from ${oui.source}): IEEE block ${oui.prefix} registered to "${oui.org}"${entity ? ` → ${entity}` : ''}`,
    });
    if (entity) claims.push({ entity, tier: 2, certainty: 'high', what: 'MAC registry', relabel: null });
  }

  const brandPick = pick(matches, 'hw.brand');
  const modelPick = pick(matches, 'hw.model');
  const brand = brandPick.value;
  if (brand && brandPick.match) {
    const { relabel, excepted } = relabelFor(k, brand, modelPick.value);
    if (excepted) evidence.push({ source: brandPick.match.from.source, detail: excepted });
    if (relabel) {
      claims.push({ entity: relabel.builtBy, tier: 4, certainty: lowest(relabel.confidence, brandPick.match.certainty), what: `relabelled brand ${brand}`, relabel });
      evidence.push({ source: brandPick.match.from.source, detail: `brand ${brand} sells hardware built by ${relabel.builtBy} (${relabel.confidence}): ${relabel.evidence}` });
    } else claims.push({ entity: brand, tier: 3, certainty: brandPick.match.certainty, what: `reported brand`, relabel: null });
  }

  claims.sort((a, b) => a.tier - b.tier || CONFIDENCE_RANK[b.certainty] - CONFIDENCE_RANK[a.certainty]);
  const winner = claims[0] ?? null;
  if (winner) {
    const root = familyRoot(k, winner.entity);
    // A relabeller's own MAC block on hardware its known builder made (an Intelbras OUI on a unit that
    // answers Dahua's DHIP) is what a relabel looks like, not a disagreement.
    const relabelledBy = (entity: string) => k.relabels.some((r) => r.brand === entity && familyRoot(k, r.builtBy) === root);
    for (const c of claims) {
      if (familyRoot(k, c.entity) !== root && !relabelledBy(c.entity)) conflicts.push(`maker: ${winner.what} says ${winner.entity} but ${c.what} says ${c.entity}`);
    }
  }
  for (const p of [brandPick, modelPick]) if (p.conflict) conflicts.push(p.conflict);

  const deviceType = (pick(matches, 'hw.device').value as DeviceType | null) ?? 'unknown';
  // Independent signals that agree on the family corroborate each other: a medium model-name match
  // and a high ONVIF Manufacturer both saying Dahua make a high attribution.
  let confidence: Confidence | null = winner
    ? claims.filter((c) => familyRoot(k, c.entity) === familyRoot(k, winner.entity)).reduce<Confidence>((best, c) => highest(best, c.certainty), winner.certainty)
    : null;
  if (confidence && conflicts.length) confidence = lowest(confidence, 'medium');

  return {
    manufacturer: winner?.entity ?? null,
    brand,
    model: modelPick.value,
    firmware: pick(matches, 'os.version').value,
    serial: pick(matches, 'hw.serial').value,
    deviceType,
    confidence,
    relabel: winner?.relabel ? { brand: winner.relabel.brand, builtBy: winner.relabel.builtBy, confidence: winner.relabel.confidence } : null,
    evidence,
    conflicts,
  };
}
