// What changed between two scans of the same targets: the content of a change alert. Pure, and the one
// place that decides it, so the inventory's own diff can replace it without touching the daemon.
import type { ExportDevice, ExportDocument } from '../core/types.js';
import type { ChangeCounts } from './types.js';

export interface ChangeSet {
  /** Flagged now, not flagged in the previous scan, and never flagged in an earlier one. */
  readonly newFindings: readonly ExportDevice[];
  /** Flagged now, not in the previous scan, but flagged in an earlier one: it came back. */
  readonly reopenedFindings: readonly ExportDevice[];
  /** In the previous scan and not in this one. Empty when this scan was interrupted (it did not look everywhere). */
  readonly disappeared: readonly ExportDevice[];
}

/** The same device across scans: its inventory asset when the store knows it, else its MAC, else its address. */
export function deviceKey(d: ExportDevice): string {
  if (d.assetId !== undefined) return `asset:${d.assetId}`;
  return d.mac ? `mac:${d.mac}` : `ip:${d.ip}`;
}

/**
 * `prev` is the latest complete scan of the same targets before `cur` (null for the first one: everything
 * flagged is new); `earlier` are the complete scans before `prev`, which only decide new versus reopened.
 */
export function changesSince(prev: ExportDocument | null, cur: ExportDocument, earlier: readonly ExportDocument[] = []): ChangeSet {
  const flaggedBefore = new Set(prev?.devices.filter((d) => d.flagged).map(deviceKey));
  const flaggedEarlier = new Set(earlier.flatMap((doc) => doc.devices.filter((d) => d.flagged).map(deviceKey)));
  const raised = cur.devices.filter((d) => d.flagged && !flaggedBefore.has(deviceKey(d)));
  const present = new Set(cur.devices.map(deviceKey));
  return {
    newFindings: raised.filter((d) => !flaggedEarlier.has(deviceKey(d))),
    reopenedFindings: raised.filter((d) => flaggedEarlier.has(deviceKey(d))),
    disappeared: cur.scan.status === 'complete' && prev ? prev.devices.filter((d) => !present.has(deviceKey(d))) : [],
  };
}

export function countChanges(c: ChangeSet): ChangeCounts {
  return { newFindings: c.newFindings.length, reopenedFindings: c.reopenedFindings.length, disappeared: c.disappeared.length };
}

export function isEmpty(c: ChangeSet): boolean {
  return c.newFindings.length + c.reopenedFindings.length + c.disappeared.length === 0;
}
