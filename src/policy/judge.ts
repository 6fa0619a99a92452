// Policy: does an attributed device fall under one of the chosen restriction lists, and why.
// A list row names an entity; it reaches the entity's subsidiaries and affiliates only when the
// list says so (FCC Covered List footnote *, NDAA §889 "or any subsidiary or affiliate").
import { UsageError } from '../core/errors.js';
import { CONFIDENCE_RANK, type Attribution, type Basis, type Confidence, type ListRef, type Restriction } from '../core/types.js';
import { rowFlagsDevices } from '../knowledge/family.js';
import type { Knowledge, RestrictionList } from '../knowledge/types.js';
import { ancestors } from './family.js';

export interface Policy {
  readonly lists: readonly RestrictionList[];
}

export function defaultPolicyIds(k: Knowledge): string[] {
  return k.lists.filter((l) => l.defaultPolicy).map((l) => l.id);
}

/** `--policy a,b`: every id must name a list in vendor-db. */
export function resolvePolicy(k: Knowledge, ids: readonly string[] | null): Policy {
  if (!ids) return { lists: k.lists.filter((l) => l.defaultPolicy) };
  const lists = ids.map((id) => {
    const list = k.lists.find((l) => l.id === id);
    if (!list) throw new UsageError(`unknown list ${JSON.stringify(id)} in --policy; see \`camaudit lists\` (known: ${k.lists.map((l) => l.id).join(', ')})`);
    return list;
  });
  return { lists };
}

const lowest = (...cs: Confidence[]): Confidence => cs.reduce((a, b) => (CONFIDENCE_RANK[a] <= CONFIDENCE_RANK[b] ? a : b));

export function judge(a: Attribution, k: Knowledge, policy: Policy): Restriction | null {
  if (!a.manufacturer || !a.confidence) return null;
  const chain = ancestors(k, a.manufacturer);
  const hits: { list: RestrictionList; ref: ListRef; depth: number; entity: string; confidence: Confidence }[] = [];
  for (const list of policy.lists) {
    if (!list.flags) continue; // context-only lists never flag on their own
    for (const anc of chain) {
      if (anc.depth > 0 && !list.coversAffiliates) break;
      // Services, software and business-operations rows name the entity but restrict no device.
      const row = list.rows.find((r) => r.entity === anc.id && rowFlagsDevices(r));
      if (!row) continue;
      hits.push({
        list,
        ref: { id: list.id, row: row.ref, citation: list.citation, scopeLimit: row.scopeLimit },
        depth: anc.depth,
        entity: anc.id,
        confidence: anc.confidence,
      });
      break;
    }
  }
  if (hits.length === 0) return null;
  const closest = hits.reduce((x, y) => (y.depth < x.depth ? y : x));
  const basis: Basis = a.relabel ? 'oem' : closest.depth === 0 ? 'manufacturer' : 'subsidiary';
  return {
    entity: closest.entity,
    lists: hits.map((h) => h.ref),
    basis,
    confidence: lowest(a.confidence, closest.confidence, ...(a.relabel ? [a.relabel.confidence] : [])),
    evidence: a.evidence,
  };
}
