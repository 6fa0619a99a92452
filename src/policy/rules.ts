// An organisation's own policy rules (from a policy file, see policy-file.ts) in the form judge.ts applies
// them. Every rule keeps a DecisionRule that names it and where it was written, so each decision it
// takes part in can say which rule it was.
import { normalizeMac } from '../core/mac.js';
import { canonicalSpec, parseIpv4, type Range } from '../core/targets.js';
import type { Attribution, DecisionRule } from '../core/types.js';
import { lineage } from '../knowledge/family.js';
import type { Knowledge } from '../knowledge/types.js';

/**
 * How a list's scope limits (the FCC and §889 purpose limits on video surveillance rows) apply here:
 * `to-all-equipment`: the limit is met for everything this organisation runs (a federal contractor under §889);
 * `as-listed`: flag, and show the limit with the finding for someone to weigh (the default);
 * `not-to-us`: this organisation is outside the limit, so rows that carry one do not flag.
 */
export type ScopeApplies = 'to-all-equipment' | 'as-listed' | 'not-to-us';
export const SCOPE_APPLIES: readonly ScopeApplies[] = ['to-all-equipment', 'as-listed', 'not-to-us'];

export interface ScopeRule {
  readonly list: string;
  readonly applies: ScopeApplies;
  readonly reason: string;
  readonly ref: DecisionRule;
}

/** The organisation's own restriction of an entity (the maker's family) or a brand (the label a device carries). */
export interface RestrictRule {
  readonly entity: string | null;
  readonly brand: string | null;
  readonly coversAffiliates: boolean;
  readonly reason: string;
  readonly ref: DecisionRule;
}

export interface ExceptionMatch {
  readonly entity?: string; // the maker or any family member above it
  readonly brand?: string;
  readonly model?: RegExp;
  readonly serial?: string;
  readonly mac?: string; // canonical
  readonly ip?: Range;
}

export interface ExceptionRule {
  readonly match: ExceptionMatch;
  readonly reason: string;
  readonly approver: string;
  readonly expires: string; // YYYY-MM-DD, the last day it holds
  readonly ref: DecisionRule;
}

/** What an exception is matched against: the attribution plus where the device was seen. */
export interface Subject {
  readonly attribution: Attribution;
  readonly ip?: string | null;
  readonly mac?: string | null;
}

/** Expired on `today` (YYYY-MM-DD) when the last day it holds is already past. */
export function isExpired(rule: ExceptionRule, today: string): boolean {
  return rule.expires < today;
}

/** Every condition the exception names must hold (an exception for "Hikvision model DS-2CD…" needs both). */
export function exceptionMatches(rule: ExceptionRule, s: Subject, k: Knowledge): boolean {
  const { match: m } = rule;
  const a = s.attribution;
  if (m.entity !== undefined && (a.manufacturer === null || !lineage(k.entities, a.manufacturer).includes(m.entity))) return false;
  if (m.brand !== undefined && a.brand !== m.brand) return false;
  if (m.model !== undefined && (a.model === null || !m.model.test(a.model))) return false;
  if (m.serial !== undefined && (a.serial === null || a.serial.trim().toLowerCase() !== m.serial.toLowerCase())) return false;
  if (m.mac !== undefined && normalizeMac(s.mac ?? null) !== m.mac) return false;
  if (m.ip !== undefined) {
    const ip = s.ip ? parseIpv4(s.ip) : null;
    if (ip === null || ip < m.ip.start || ip > m.ip.end) return false;
  }
  return true;
}

/** "serial X, model /Y/i" — what an exception matches, for messages. */
export function describeMatch(m: ExceptionMatch): string {
  const parts: string[] = [];
  if (m.entity !== undefined) parts.push(`entity ${m.entity}`);
  if (m.brand !== undefined) parts.push(`brand ${m.brand}`);
  if (m.model !== undefined) parts.push(`model ${m.model}`);
  if (m.serial !== undefined) parts.push(`serial ${m.serial}`);
  if (m.mac !== undefined) parts.push(`MAC ${m.mac}`);
  if (m.ip !== undefined) parts.push(`IP ${canonicalSpec(m.ip)}`);
  return parts.join(', ');
}
