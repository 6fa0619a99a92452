// Corporate family walks over vendor-db entities. Links whose relation is only "low" confidence
// (an unconfirmed name or address match) are not followed: they must not drive a restriction.
import type { Confidence } from '../core/types.js';
import type { Knowledge } from '../knowledge/types.js';

export interface Ancestor {
  readonly id: string;
  readonly depth: number; // 0 = the entity itself
  readonly confidence: Confidence; // weakest link on the way up
}

export function ancestors(k: Knowledge, id: string): Ancestor[] {
  const out: Ancestor[] = [{ id, depth: 0, confidence: 'high' }];
  const seen = new Set([id]);
  let cur = k.entities.get(id);
  let confidence: Confidence = 'high';
  while (cur?.parent && cur.relationConfidence !== 'low' && !seen.has(cur.parent)) {
    if (cur.relationConfidence === 'medium') confidence = 'medium';
    seen.add(cur.parent);
    out.push({ id: cur.parent, depth: out.length, confidence });
    cur = k.entities.get(cur.parent);
  }
  return out;
}

export function familyRoot(k: Knowledge, id: string): string {
  return ancestors(k, id).at(-1)!.id;
}
