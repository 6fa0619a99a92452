// Hikvision SADP (Search Active Devices Protocol) over UDP, pure build/parse; the socket lives in src/net.
//
// Sends: `<?xml …?><Probe><Uuid>…</Uuid><Types>inquiry</Types></Probe>` to 239.255.255.250:37020 (or
//   unicast to one host). Devices answer with a flat `<ProbeMatch>`; Hikvision firmware may send it to the
//   group rather than to the prober, which is why UniversalScanner listens on the group (research §3.3).
// Formats: research peers-and-protocols.md §3.3 — cameronnewman/hikvision-tooling internal/sadp/scanner.go
//   (probe, field set), julienblitte/UniversalScanner Hikvision.cs (probe, group listening).
// Fixtures (test/fixtures/sadp, origins in SOURCES.md): a real DS-2CD2385G1-I ProbeMatch and
//   UniversalScanner's anonymised self-test reply.
// Sample result (DS-2CD2385G1-I):
//   { uuid: 'e8ecfe09-…', types: 'inquiry', deviceType: '141945', description: 'DS-2CD2385G1-I',
//     serial: 'DS-2CD2385G1-I20200414AAWRE33842150', mac: '58-50-ed-1f-e3-85', ipv4: '192.168.124.40',
//     firmware: 'V5.6.2build 190701', activated: true, oem: [{ field: 'DetailOEMCode', value: '1' }] }
// A reply names an IPv4 address of its own choosing: it is reported, never probed here.

import { randomUUID } from 'node:crypto';
import { ParseError } from '../core/errors.js';
import { child, isNode, parseXml, textOf, type XmlNode } from './xml.js';

export const SADP_PORT = 37020;
export const SADP_GROUP = '239.255.255.250';
/** A real ProbeMatch is about 1.5 KB. */
export const MAX_SADP_BYTES = 16 * 1024;
/** The longest field value kept (the real capture's longest, the Salt, is 64 characters). */
export const MAX_SADP_FIELD = 256;

/** Fields that carry OEM branding (DetailOEMCode in the real capture; the others in hikvision-tooling's struct). */
const OEM_FIELDS = ['DetailOEMCode', 'OEMCode', 'OEMInfo'] as const;

export interface SadpProbeMatch {
  readonly uuid: string | null;
  readonly types: string; // "inquiry": the probe type answered
  readonly deviceType: string | null; // numeric model code, e.g. "141945"
  readonly description: string | null; // the model, e.g. "DS-2CD2385G1-I"
  readonly serial: string | null;
  readonly mac: string | null; // as sent: dash-separated
  readonly ipv4: string | null; // the address the device says it has
  readonly firmware: string | null; // SoftwareVersion
  readonly activated: boolean | null; // false: factory state, no admin password set yet
  readonly oem: readonly { readonly field: string; readonly value: string }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newProbeUuid(): string {
  return randomUUID();
}

/** The probe exactly as hikvision-tooling and UniversalScanner send it: one line, no namespace. */
export function buildProbe(uuid: string): string {
  if (!UUID.test(uuid)) throw new Error(`SADP probe needs a UUID, got ${JSON.stringify(uuid)}`);
  return `<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>${uuid}</Uuid><Types>inquiry</Types></Probe>`;
}

function field(root: XmlNode, name: string): string | null {
  const raw = child(root, name);
  if (raw === undefined) return null;
  const text = textOf(raw);
  if (text === null) throw new ParseError(`SADP ${name} is not a text element`);
  const value = text.trim();
  if (value.length > MAX_SADP_FIELD) throw new ParseError(`SADP ${name} longer than ${MAX_SADP_FIELD} characters`);
  return value === '' ? null : value;
}

/** One SADP datagram → its ProbeMatch. Anything else (a Probe, a Hello, junk) is a ParseError. */
export function parseProbeMatch(text: string): SadpProbeMatch {
  const doc = parseXml(text, { maxBytes: MAX_SADP_BYTES });
  const rootName = Object.keys(doc)[0];
  if (rootName !== 'ProbeMatch') throw new ParseError(`SADP message <${rootName ?? ''}> is not a ProbeMatch`);
  const root = doc[rootName];
  if (!isNode(root)) throw new ParseError('SADP ProbeMatch has no fields');
  const types = field(root, 'Types');
  if (types === null) throw new ParseError('SADP ProbeMatch without Types');
  const activated = field(root, 'Activated');
  const oem = OEM_FIELDS.flatMap((f) => {
    const value = field(root, f);
    return value === null ? [] : [{ field: f, value }];
  });
  return {
    uuid: field(root, 'Uuid'),
    types,
    deviceType: field(root, 'DeviceType'),
    description: field(root, 'DeviceDescription'),
    serial: field(root, 'DeviceSN'),
    mac: field(root, 'MAC'),
    ipv4: field(root, 'IPv4Address'),
    firmware: field(root, 'SoftwareVersion'),
    activated: activated === 'true' ? true : activated === 'false' ? false : null,
    oem,
  };
}
