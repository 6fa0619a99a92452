// What changed about one device between two sightings (or a sighting and a re-evaluation): the history of
// an asset and the "changed" part of `camaudit diff` both come from here, so they cannot disagree.
import type { ExportDevice } from '../core/types.js';

/** The facts about a device whose changes are worth recording. */
export interface DeviceFacts {
  readonly ip: string;
  readonly mac: string | null;
  readonly firmware: string | null;
  readonly serial: string | null;
  readonly manufacturer: string | null;
  readonly brand: string | null;
  readonly model: string | null;
  readonly deviceType: string;
  readonly flagged: boolean;
  readonly entity: string | null;
  readonly lists: readonly string[];
}

export type ChangeField = 'ip' | 'mac' | 'firmware' | 'serial' | 'manufacturer' | 'brand' | 'model' | 'device_type' | 'flagged' | 'entity' | 'lists';

export interface FieldChange {
  readonly field: ChangeField;
  readonly from: string | null;
  readonly to: string | null;
}

export function factsOf(d: ExportDevice): DeviceFacts {
  return {
    ip: d.ip,
    mac: d.mac,
    firmware: d.firmware,
    serial: d.serial,
    manufacturer: d.manufacturer,
    brand: d.brand,
    model: d.model,
    deviceType: d.deviceType,
    flagged: d.flagged,
    entity: d.restriction?.entity ?? null,
    lists: d.restriction?.lists ?? [],
  };
}

const FIELDS: readonly (readonly [ChangeField, (f: DeviceFacts) => string | null])[] = [
  ['ip', (f) => f.ip],
  ['mac', (f) => f.mac],
  ['firmware', (f) => f.firmware],
  ['serial', (f) => f.serial],
  ['manufacturer', (f) => f.manufacturer],
  ['brand', (f) => f.brand],
  ['model', (f) => f.model],
  ['device_type', (f) => f.deviceType],
  ['flagged', (f) => String(f.flagged)],
  ['entity', (f) => f.entity],
  ['lists', (f) => (f.lists.length ? f.lists.join(',') : null)],
];

// Facts a device states only when asked successfully: unknown on one side (an ONVIF query that timed out,
// credentials given only this time) says nothing about the device having changed.
const STATED: ReadonlySet<ChangeField> = new Set(['mac', 'firmware', 'serial', 'model']);

/** Field by field, old → new. */
export function changesBetween(before: DeviceFacts, after: DeviceFacts): FieldChange[] {
  const out: FieldChange[] = [];
  for (const [field, get] of FIELDS) {
    const from = get(before);
    const to = get(after);
    if (from === to) continue;
    if (STATED.has(field) && (from === null || to === null)) continue;
    out.push({ field, from, to });
  }
  return out;
}
