// `camaudit diff`: two scans compared device by device, devices being matched by their inventory asset.
import type { ExportDevice, StoredScan } from '../core/types.js';
import { changesBetween, factsOf, type FieldChange } from './changes.js';
import { scopeKey } from './identity.js';

export interface ChangedDevice {
  readonly device: ExportDevice; // as in the later scan
  readonly changes: readonly FieldChange[];
}

export interface ScanDiff {
  readonly added: readonly ExportDevice[];
  readonly gone: readonly ExportDevice[]; // as last seen in the earlier scan
  readonly changed: readonly ChangedDevice[];
}

export function diffDevices(before: readonly ExportDevice[], after: readonly ExportDevice[]): ScanDiff {
  const key = (d: ExportDevice): string => (d.assetId === undefined ? `ip:${d.ip}` : `asset:${d.assetId}`);
  const earlier = new Map(before.map((d) => [key(d), d]));
  const later = new Set(after.map(key));
  const changed: ChangedDevice[] = [];
  const added: ExportDevice[] = [];
  for (const d of after) {
    const old = earlier.get(key(d));
    if (!old) added.push(d);
    else {
      const changes = changesBetween(factsOf(old), factsOf(d));
      if (changes.length) changed.push({ device: d, changes });
    }
  }
  return { added, gone: before.filter((d) => !later.has(key(d))), changed };
}

/** The default pair: the latest scan and the one before it of the same targets at the same site; null when there is none. */
export function defaultDiffPair(scans: readonly StoredScan[]): readonly [StoredScan, StoredScan] | null {
  const newestFirst = [...scans].sort((a, b) => b.id - a.id);
  const latest = newestFirst[0];
  if (!latest) return null;
  const previous = newestFirst.find((s) => s.id !== latest.id && s.site === latest.site && scopeKey(s.targets) === scopeKey(latest.targets));
  return previous ? [previous, latest] : null;
}
