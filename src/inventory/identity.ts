// Who is who across scans. A device is the same device as an earlier one when it has the same MAC; without
// a MAC, the same serial number; without either, the same IP address in a scan of the same targets (the
// same address on another network is another device). Pure: the store hands in what it knows.

/** What a scanned device can be recognised by. */
export interface IdentityKeys {
  readonly ip: string;
  readonly mac: string | null;
  readonly serial: string | null;
}

/** An inventory asset as the matcher needs it. */
export interface KnownAsset extends IdentityKeys {
  readonly id: number;
  readonly scope: string;
  readonly lastScanId: number;
}

/** The targets of a scan as one comparable key: specs are canonical already, so sort and dedupe. */
export function scopeKey(targets: readonly string[]): string {
  return [...new Set(targets)].sort().join(' ');
}

// Cheap devices report placeholder serials; two of them must not become one asset.
const PLACEHOLDER_SERIAL = /^(?:(.)\1*|unknown|none|null|n\/?a|serial(?:number)?|default|123456789?0?)$/i;

/** A serial number worth identifying a device by, or null. */
export function usableSerial(serial: string | null): string | null {
  const s = serial?.trim() ?? '';
  return s.length >= 4 && !PLACEHOLDER_SERIAL.test(s) ? s : null;
}

/** The key an asset is first recorded under (informative: matching always uses all three). */
export function identityLabel(d: IdentityKeys): string {
  if (d.mac) return `mac:${d.mac}`;
  const serial = usableSerial(d.serial);
  return serial ? `serial:${serial}` : `ip:${d.ip}`;
}

/** Facts that prove two records are different devices, whatever else they share. */
function conflicts(d: IdentityKeys, a: IdentityKeys): boolean {
  if (d.mac && a.mac && d.mac !== a.mac) return true;
  const ds = usableSerial(d.serial);
  const as = usableSerial(a.serial);
  return ds !== null && as !== null && ds !== as;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * For each device of one scan (in order), the id of the asset it is, or null for a new one. Strongest keys
 * are settled first across the whole scan (every MAC, then serials, then addresses), and an asset is
 * claimed by one device at most.
 */
export function matchAssets(devices: readonly IdentityKeys[], assets: readonly KnownAsset[], scope: string): (number | null)[] {
  const byMac = new Map<string, KnownAsset[]>();
  const bySerial = new Map<string, KnownAsset[]>();
  const byIp = new Map<string, KnownAsset[]>();
  // Most recently seen first, so a key shared by several assets goes to the one seen last.
  for (const a of [...assets].sort((x, y) => y.lastScanId - x.lastScanId || y.id - x.id)) {
    if (a.mac) push(byMac, a.mac, a);
    const serial = usableSerial(a.serial);
    if (serial) push(bySerial, serial, a);
    if (a.scope === scope) push(byIp, a.ip, a);
  }
  const claimed = new Set<number>();
  const result: (number | null)[] = devices.map(() => null);
  const pass = (candidates: (d: IdentityKeys) => readonly KnownAsset[] | undefined, checked: boolean): void => {
    devices.forEach((d, i) => {
      if (result[i] !== null) return;
      const hit = candidates(d)?.find((a) => !claimed.has(a.id) && !(checked && conflicts(d, a)));
      if (!hit) return;
      claimed.add(hit.id);
      result[i] = hit.id;
    });
  };
  pass((d) => (d.mac ? byMac.get(d.mac) : undefined), false); // a MAC outranks a differing serial

  pass((d) => {
    const serial = usableSerial(d.serial);
    return serial ? bySerial.get(serial) : undefined;
  }, true);
  pass((d) => byIp.get(d.ip), true);
  return result;
}
