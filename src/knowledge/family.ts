// Questions about the family tree and list rows that the policy code and the verifier both ask.
import type { Entity, Knowledge, ListRow, RestrictionList } from './types.js';

/** The entity and its ancestors, nearest first (EZVIZ → [ezviz, hikvision]). Stops on a cycle. */
export function lineage(entities: ReadonlyMap<string, Entity>, id: string): string[] {
  const chain: string[] = [];
  for (let at: string | null = id; at !== null && !chain.includes(at); ) {
    chain.push(at);
    at = entities.get(at)?.parent ?? null;
  }
  return chain;
}

/**
 * Whether a row can ever flag a device: it names an entity and restricts equipment. Category rows
 * (place of production), services-only rows, software rows and business-operations orders cannot.
 */
export function rowFlagsDevices(row: ListRow): boolean {
  return row.entity !== null && row.covers === 'equipment';
}

/** Entity ids named by a device-flagging row of a list with `flags: true`. */
export function restrictedEntityIds(lists: readonly RestrictionList[]): Set<string> {
  const ids = new Set<string>();
  for (const list of lists) {
    if (!list.flags) continue;
    for (const row of list.rows) if (rowFlagsDevices(row)) ids.add(row.entity!);
  }
  return ids;
}

/** The nearest restricted entity in `id`'s lineage, or null: whether a maker belongs to a restricted family. */
export function restrictedFamilyOf(knowledge: Pick<Knowledge, 'entities' | 'lists'>, id: string): string | null {
  const restricted = restrictedEntityIds(knowledge.lists);
  return lineage(knowledge.entities, id).find((at) => restricted.has(at)) ?? null;
}
