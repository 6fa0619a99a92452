// MAC address helpers. Canonical form: lower-case, colon-separated ("28:57:be:aa:bb:01").

const HEX12 = /^[0-9a-f]{12}$/;

/** Accepts 28:57:BE:AA:BB:01, 28-57-be-aa-bb-01, 2857.beaa.bb01 or 2857BEAABB01; null for anything else. */
export function normalizeMac(text: string | null | undefined): string | null {
  if (!text) return null;
  const hex = text.trim().toLowerCase().replace(/[:\-.\s]/g, '');
  if (!HEX12.test(hex) || hex === '000000000000' || hex === 'ffffffffffff') return null;
  return hex.match(/../g)!.join(':');
}

/** Bit 0x02 of the first octet: a randomised or locally assigned address, which no registry names. */
export function isLocallyAdministered(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 0x02) !== 0;
}

export function isMulticastMac(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 0x01) !== 0;
}

/** Upper-case hex without separators, as IEEE registry keys are written ("2857BEAABB01"). */
export function macHex(mac: string): string {
  return mac.replace(/:/g, '').toUpperCase();
}
