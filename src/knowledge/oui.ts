// IEEE MAC address registry lookups (MA-L, MA-M, MA-S and IAB assignments; keys are upper-case hex of 6, 7
// or 9 characters; the value's first line is the organisation name). The shipped data is the oui-data
// package: 5.6 MB of JSON, about 0.3 s of CPU to read and parse, while a scan makes a few hundred lookups. So
// lookups are answered from a sorted index of it (oui-index.ts), saved beside the compiled code and rebuilt
// from the JSON when missing or out of date. A registry refreshed by `camaudit db update` (registry-file.ts)
// takes precedence when it is valid, and is indexed the same way.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLocallyAdministered, isMulticastMac, macHex, normalizeMac } from '../core/mac.js';
import { cachedOuiIndex, orgName, type OuiIndex } from './oui-index.js';
import { dataDir, readStoredRegistry, registryIndexPath, registryPath, type StoredRegistry } from './registry-file.js';

export interface OuiHit {
  readonly prefix: string; // the registry key that matched: 6 (MA-L), 7 (MA-M) or 9 (MA-S) hex characters
  readonly org: string; // organisation name, exactly as registered
}

export interface OuiRegistry {
  /** Longest-prefix match (9, then 7, then 6 hex characters); null for invalid, multicast or locally administered MACs. */
  lookup(mac: string): OuiHit | null;
  /** Every registry key registered to exactly this organisation name. */
  prefixesOf(org: string): readonly string[];
  /** Every registry key. */
  keys(): readonly string[];
  readonly size: number;
}

const PREFIX_LENGTHS = [9, 7, 6] as const;

/** A registry over a key → organisation table: the data itself, or its index. */
function registryOver(table: OuiIndex): OuiRegistry {
  let byOrg: Map<string, string[]> | null = null; // built on the first prefixesOf() call
  return {
    size: table.size,
    keys: () => table.entries().map(([key]) => key),
    lookup(mac) {
      const canonical = normalizeMac(mac);
      // Randomised/locally assigned and group addresses carry no registered vendor (RFC 7042 §2.1).
      if (canonical === null || isLocallyAdministered(canonical) || isMulticastMac(canonical)) return null;
      const hex = macHex(canonical);
      for (const length of PREFIX_LENGTHS) {
        const prefix = hex.slice(0, length);
        const org = table.orgOf(prefix);
        if (org !== null) return { prefix, org };
      }
      return null;
    },
    prefixesOf(org) {
      if (byOrg === null) {
        byOrg = new Map();
        for (const [key, name] of table.entries()) {
          const keys = byOrg.get(name);
          if (keys) keys.push(key);
          else byOrg.set(name, [key]);
        }
      }
      return byOrg.get(org) ?? [];
    },
  };
}

export function createOuiRegistry(data: Readonly<Record<string, string>>): OuiRegistry {
  return registryOver({
    size: Object.keys(data).length,
    orgOf(key) {
      const value = data[key];
      return value === undefined ? null : orgName(value);
    },
    entries: () => Object.keys(data).map((key) => [key, orgName(data[key]!)]),
  });
}

/**
 * The oui-data snapshot this package pins. oui-data carries no dates, so its publication date is recorded
 * here; test/knowledge/oui.test.ts fails when the installed version differs, so a bump updates both.
 */
export const SHIPPED_OUI = { package: 'oui-data', version: '2.1.9', published: '2026-08-26' } as const;

let shipped: OuiRegistry | null = null;
const here = fileURLToPath(import.meta.url);
// Only the compiled package keeps the index, like the knowledge snapshot; from src/ (the tests) it stays in memory.
const SHIPPED_INDEX = here.endsWith('.js') ? join(dirname(here), 'oui-index.tsv') : null;

/** The registry from the installed oui-data package, loaded on first call. */
export function shippedOuiRegistry(): OuiRegistry {
  if (shipped === null) {
    const require = createRequire(import.meta.url);
    const index = cachedOuiIndex(require.resolve('oui-data'), SHIPPED_INDEX, () => require('oui-data') as Record<string, string>);
    shipped = registryOver(index!); // load() always has data to index
  }
  return shipped;
}

export interface EffectiveRegistry {
  readonly registry: OuiRegistry;
  /** The refreshed registry in use, or null when the shipped oui-data is. */
  readonly refreshed: StoredRegistry | null;
  /** Where the refreshed registry was looked for, and why it is not used (null when absent or in use). */
  readonly path: string;
  readonly problem: string | null;
}

/** A valid registry saved by `camaudit db update` in `dir`, else the shipped oui-data. Not cached. */
export function loadEffectiveRegistry(dir: string = dataDir()): EffectiveRegistry {
  const stored = readStoredRegistry(registryPath(dir));
  if (stored.state === 'valid') {
    return { registry: createOuiRegistry(stored.registry.entries), refreshed: stored.registry, path: stored.path, problem: null };
  }
  return { registry: shippedOuiRegistry(), refreshed: null, path: stored.path, problem: stored.state === 'invalid' ? stored.problem : null };
}

/** The registry of loadEffectiveRegistry(dir), without the details of a refreshed one: answered from its index. Not cached. */
export function effectiveOuiRegistry(dir: string = dataDir()): OuiRegistry {
  const path = registryPath(dir);
  const refreshed = cachedOuiIndex(path, registryIndexPath(dir), () => {
    const stored = readStoredRegistry(path);
    return stored.state === 'valid' ? stored.registry.entries : null;
  });
  return refreshed ? registryOver(refreshed) : shippedOuiRegistry();
}

let shared: OuiRegistry | null = null;

/** The registry scans use, loaded on first call: the refreshed one when valid, else the shipped oui-data. */
export function ouiRegistry(): OuiRegistry {
  if (shared === null) shared = effectiveOuiRegistry();
  return shared;
}
