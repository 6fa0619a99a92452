// The filters `devices` and `export` share.
import type { DeviceType, TalliedDevice } from '../core/types.js';

export interface DeviceFilter {
  readonly flagged?: boolean;
  /** An entity id: the restricted entity, the maker or the brand. */
  readonly entity?: string;
  readonly type?: DeviceType;
  /** ISO-8601: last seen at or after. */
  readonly since?: string;
  /** Only the devices of this site. */
  readonly site?: string;
}

/** The filter as a test of one device (or of a DeviceGroup's representative, so counts filter alike). */
export function deviceMatches(f: DeviceFilter): (d: TalliedDevice) => boolean {
  const entity = f.entity?.toLowerCase();
  return (d) =>
    (!f.flagged || d.flagged) &&
    (entity === undefined || [d.restriction?.entity, d.manufacturer, d.brand].includes(entity)) &&
    (f.type === undefined || d.deviceType === f.type) &&
    (f.since === undefined || (d.lastSeen ?? '') >= f.since) &&
    (f.site === undefined || d.site === f.site);
}
