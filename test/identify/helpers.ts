// Observations as the sources emit them, built from the real payloads in test/fixtures.
import { readFileSync } from 'node:fs';
import type { MatchKey, Observation, SourceId } from '../../src/core/types.js';
import { parseDeviceInformation } from '../../src/protocols/onvif.js';
import { parseProbeMatches } from '../../src/protocols/ws-discovery.js';

export const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');

export function obs(ip: string, source: SourceId, key: MatchKey, value: string): Observation {
  return { source, at: '2026-12-02T00:00:00.000Z', ip, key, value, detail: `${key} ${value}` };
}

/** What the onvif source emits for a GetDeviceInformation reply. */
export function deviceInformation(ip: string, file: string): Observation[] {
  const info = parseDeviceInformation(fixture(file));
  const pairs: [MatchKey, string | null][] = [
    ['onvif.manufacturer', info.manufacturer],
    ['onvif.model', info.model],
    ['onvif.firmware', info.firmware],
    ['onvif.serial', info.serial],
  ];
  return pairs.flatMap(([key, v]) => (v ? [obs(ip, 'onvif', key, v)] : []));
}

/** What the ws-discovery source emits for the scopes of a ProbeMatch or Hello. */
export function scopes(ip: string, file: string): Observation[] {
  return parseProbeMatches(fixture(file)).matches.flatMap((m) => m.scopes.map((s) => obs(ip, 'ws-discovery', 'onvif.scopes', s)));
}

export const arp = (ip: string, mac: string): Observation => obs(ip, 'nmap', 'arp.mac', mac);
