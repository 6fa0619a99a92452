// Policy: does an attributed device fall under one of the chosen restriction lists, and why.
// A list row names an entity; it reaches the entity's subsidiaries and affiliates only when the
// list says so (FCC Covered List footnote *, NDAA §889 "or any subsidiary or affiliate").
// An organisation's policy file (policy-file.ts) adds its own restrictions, sets how list scope limits
// apply to it, and grants exceptions; decide() records which rule and which list row settled each device.
import { UsageError } from '../core/errors.js';
import {
  CONFIDENCE_RANK, type Attribution, type Basis, type Confidence, type DecisionRow, type DecisionRule, type ListRef, type PolicyDecision,
  type Restriction, type RowEffect,
} from '../core/types.js';
import { rowFlagsDevices } from '../knowledge/family.js';
import type { Knowledge, RestrictionList } from '../knowledge/types.js';
import { ancestors, type Ancestor } from './family.js';
import { exceptionMatches, isExpired, type ExceptionRule, type RestrictRule, type ScopeRule, type Subject } from './rules.js';

/** The list id under which a policy file's own restrictions are cited. */
export const ORG_LIST_ID = 'org-policy';

export interface Policy {
  readonly lists: readonly RestrictionList[];
  /** vendor-db plus the entities a policy file adds: what devices are attributed and judged with. */
  readonly knowledge: Knowledge;
  /** The rule that chose `lists`: the vendor-db default, `--policy`, or a policy file's `lists:`. */
  readonly chosenBy: DecisionRule;
  readonly scope: readonly ScopeRule[];
  readonly restrict: readonly RestrictRule[];
  readonly exceptions: readonly ExceptionRule[]; // expired ones included; decide() skips them
  readonly file: string | null;
  readonly organisation: string | null;
  readonly today: string; // YYYY-MM-DD: exceptions whose last day is before it are ignored
}

export function defaultPolicyIds(k: Knowledge): string[] {
  return k.lists.filter((l) => l.defaultPolicy).map((l) => l.id);
}

export const today = (now: Date = new Date()): string => now.toISOString().slice(0, 10);

/** `--policy a,b`: every id must name a list in vendor-db. `from` says where the ids were written. */
export function resolvePolicy(k: Knowledge, ids: readonly string[] | null, from = '--policy'): Policy {
  const lists = ids ? ids.map((id) => findList(k, id, from)) : k.lists.filter((l) => l.defaultPolicy);
  const chosenBy: DecisionRule = ids
    ? { rule: 'lists', at: from, text: `lists chosen: ${lists.map((l) => l.id).join(', ')}` }
    : { rule: 'lists', at: 'vendor-db default policy', text: `default lists: ${lists.map((l) => l.id).join(', ')}` };
  return { lists, knowledge: k, chosenBy, scope: [], restrict: [], exceptions: [], file: null, organisation: null, today: today() };
}

function findList(k: Knowledge, id: string, from: string): RestrictionList {
  const list = k.lists.find((l) => l.id === id);
  if (!list) throw new UsageError(`unknown list ${JSON.stringify(id)} in ${from}; see \`camaudit lists\` (known: ${k.lists.map((l) => l.id).join(', ')})`);
  return list;
}

export interface Decision {
  readonly restriction: Restriction | null;
  /** Null when nothing flags and no rule set a row aside that the vendor-db default would have applied. */
  readonly decidedBy: PolicyDecision | null;
}

interface Hit {
  readonly ref: ListRef;
  readonly depth: number;
  readonly entity: string;
  readonly confidence: Confidence;
  readonly basis: Basis;
  readonly rule: DecisionRule | null; // the policy-file rule behind an organisation's own restriction
}

const lowest = (...cs: Confidence[]): Confidence => cs.reduce((a, b) => (CONFIDENCE_RANK[a] <= CONFIDENCE_RANK[b] ? a : b));

function listHit(list: RestrictionList, chain: readonly Ancestor[], a: Attribution): Hit | null {
  for (const anc of chain) {
    if (anc.depth > 0 && !list.coversAffiliates) return null;
    // Services, software and business-operations rows name the entity but restrict no device.
    const row = list.rows.find((r) => r.entity === anc.id && rowFlagsDevices(r));
    if (!row) continue;
    return {
      ref: { id: list.id, row: row.ref, citation: list.citation, scopeLimit: row.scopeLimit },
      depth: anc.depth,
      entity: anc.id,
      confidence: anc.confidence,
      basis: a.relabel ? 'oem' : anc.depth === 0 ? 'manufacturer' : 'subsidiary',
      rule: null,
    };
  }
  return null;
}

function restrictHit(rule: RestrictRule, a: Attribution, policy: Policy): Hit | null {
  const from = rule.entity !== null ? a.manufacturer : a.brand;
  const target = rule.entity ?? rule.brand;
  if (from === null || target === null) return null;
  const anc = ancestors(policy.knowledge, from).find((x) => x.id === target);
  if (!anc || (anc.depth > 0 && !rule.coversAffiliates)) return null;
  const who = policy.organisation ? `${policy.organisation} policy` : 'organisation policy';
  return {
    ref: { id: ORG_LIST_ID, row: `${rule.ref.rule} (${rule.ref.at})`, citation: `${who} (${policy.file ?? 'policy file'}): ${rule.reason}`, scopeLimit: null },
    depth: anc.depth,
    entity: target,
    confidence: anc.confidence,
    // A brand rule restricts the label itself, whoever built the device.
    basis: rule.brand !== null ? 'manufacturer' : a.relabel ? 'oem' : anc.depth === 0 ? 'manufacturer' : 'subsidiary',
    rule: rule.ref,
  };
}

/** The whole judgement of one device: its restriction, and the rules and list rows that settled it. */
export function decide(s: Subject, policy: Policy): Decision {
  const a = s.attribution;
  if (!a.manufacturer || !a.confidence) return { restriction: null, decidedBy: null };
  const chain = ancestors(policy.knowledge, a.manufacturer);
  const chosen = new Set(policy.lists.map((l) => l.id));
  const active: Hit[] = [];
  const aside: { hit: Hit; effect: RowEffect; rule: DecisionRule }[] = [];
  // Chosen lists first, in the order chosen; the others only to notice what the default would have flagged.
  for (const list of [...policy.lists, ...policy.knowledge.lists.filter((l) => !chosen.has(l.id))]) {
    if (!list.flags) continue; // context-only lists never flag on their own
    const hit = listHit(list, chain, a);
    if (!hit) continue;
    if (!chosen.has(list.id)) {
      if (list.defaultPolicy) aside.push({ hit, effect: 'not-chosen', rule: policy.chosenBy });
      continue;
    }
    const scope = policy.scope.find((r) => r.list === list.id);
    if (scope?.applies === 'not-to-us' && hit.ref.scopeLimit !== null) aside.push({ hit, effect: 'out-of-scope', rule: scope.ref });
    else active.push(hit);
  }
  for (const rule of policy.restrict) {
    const hit = restrictHit(rule, a, policy);
    if (hit) active.push(hit);
  }
  const exception = active.length > 0 ? policy.exceptions.find((e) => !isExpired(e, policy.today) && exceptionMatches(e, s, policy.knowledge)) : undefined;
  if (exception) aside.push(...active.splice(0).map((hit) => ({ hit, effect: 'excepted' as const, rule: exception.ref })));
  return { restriction: restrictionOf(active, a), decidedBy: decisionOf(active, aside, policy) };
}

function restrictionOf(hits: readonly Hit[], a: Attribution): Restriction | null {
  if (hits.length === 0) return null;
  const closest = hits.reduce((x, y) => (y.depth < x.depth ? y : x));
  return {
    entity: closest.entity,
    lists: hits.map((h) => h.ref),
    basis: closest.basis,
    confidence: lowest(a.confidence!, closest.confidence, ...(a.relabel ? [a.relabel.confidence] : [])),
    evidence: a.evidence,
  };
}

function decisionOf(active: readonly Hit[], aside: readonly { hit: Hit; effect: RowEffect; rule: DecisionRule }[], policy: Policy): PolicyDecision | null {
  const flagged = active.length > 0;
  // A list nobody chose does not explain a flag that other lists raise; it does explain a missing one.
  const shown = flagged ? aside.filter((x) => x.effect !== 'not-chosen') : aside;
  if (!flagged && shown.length === 0) return null;
  const rules: DecisionRule[] = [];
  const add = (r: DecisionRule) => {
    if (!rules.some((x) => x.rule === r.rule && x.at === r.at)) rules.push(r);
  };
  for (const hit of active) {
    if (hit.rule) add(hit.rule);
    else add(policy.chosenBy);
    const scope = policy.scope.find((r) => r.list === hit.ref.id);
    if (scope) add(scope.ref);
  }
  for (const x of shown) add(x.rule);
  const rows: DecisionRow[] = [
    ...active.map((h) => ({ list: h.ref.id, row: h.ref.row, effect: 'flags' as const })),
    ...shown.map((x) => ({ list: x.hit.ref.id, row: x.hit.ref.row, effect: x.effect })),
  ];
  return { flagged, rules, rows };
}

/** The restriction alone, for callers that have no device address (exceptions by MAC or IP cannot match). */
export function judge(a: Attribution, _k: Knowledge, policy: Policy): Restriction | null {
  return decide({ attribution: a }, policy).restriction;
}
