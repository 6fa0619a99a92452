// IEEE MAC address registry lookups over the oui-data package (MA-L, MA-M and MA-S assignments; keys are
// upper-case hex of 6, 7 or 9 characters; the value's first line is the organisation name). The JSON is
// 5.6 MB and takes ~110 ms to parse, so it is loaded once, on first use, with require() (sync, and it keeps
// TypeScript from type-checking the whole file as a module).
import { createRequire } from 'node:module';
import { isLocallyAdministered, isMulticastMac, macHex, normalizeMac } from '../core/mac.js';

export interface OuiHit {
  readonly prefix: string; // the registry key that matched: 6 (MA-L), 7 (MA-M) or 9 (MA-S) hex characters
  readonly org: string; // organisation name, exactly as registered
}

export interface OuiRegistry {
  /** Longest-prefix match (9, then 7, then 6 hex characters); null for invalid, multicast or locally administered MACs. */
  lookup(mac: string): OuiHit | null;
  /** Every registry key registered to exactly this organisation name. */
  prefixesOf(org: string): readonly string[];
  readonly size: number;
}

const PREFIX_LENGTHS = [9, 7, 6] as const;

export function createOuiRegistry(data: Readonly<Record<string, string>>): OuiRegistry {
  let byOrg: Map<string, string[]> | null = null; // built on the first prefixesOf() call
  const orgOf = (key: string): string | null => {
    const value = data[key];
    return value === undefined ? null : value.split('\n', 1)[0]!.trim();
  };
  return {
    size: Object.keys(data).length,
    lookup(mac) {
      const canonical = normalizeMac(mac);
      // Randomised/locally assigned and group addresses carry no registered vendor (RFC 7042 §2.1).
      if (canonical === null || isLocallyAdministered(canonical) || isMulticastMac(canonical)) return null;
      const hex = macHex(canonical);
      for (const length of PREFIX_LENGTHS) {
        const prefix = hex.slice(0, length);
        const org = orgOf(prefix);
        if (org !== null) return { prefix, org };
      }
      return null;
    },
    prefixesOf(org) {
      if (byOrg === null) {
        byOrg = new Map();
        for (const key of Object.keys(data)) {
          const name = orgOf(key)!;
          const keys = byOrg.get(name);
          if (keys) keys.push(key);
          else byOrg.set(name, [key]);
        }
      }
      return byOrg.get(org) ?? [];
    },
  };
}

let shared: OuiRegistry | null = null;

/** The registry from the installed oui-data package, loaded on first call. */
export function ouiRegistry(): OuiRegistry {
  if (shared === null) {
    const require = createRequire(import.meta.url);
    shared = createOuiRegistry(require('oui-data') as Record<string, string>);
  }
  return shared;
}
