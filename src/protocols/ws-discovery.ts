// WS-Discovery 2005/04 (ONVIF device discovery), pure build/parse; the socket lives in src/net.
//
// Sends: one SOAP 1.2 Probe, to 239.255.255.250:3702 (or unicast to one host), no newlines, with
//   Types dn:NetworkVideoTransmitter by default. Devices answer ProbeMatches unicast to our source
//   port, and multicast Hello when they boot.
// Spec: http://schemas.xmlsoap.org/ws/2005/04/discovery/ (WS-Discovery April 2005, the version ONVIF
//   uses) with WS-Addressing http://schemas.xmlsoap.org/ws/2004/08/addressing; ONVIF Core
//   Specification, device discovery: https://www.onvif.org/specs/core/ONVIF-Core-Specification.pdf
// Why this encoding: some devices refuse others. Hikvision answered a unicast probe with
//   "the xml format error" until it was sent without newlines (edgexfoundry/device-onvif-camera#134);
//   cameras need the 2005/04 namespace (agsh/onvif#30). The shape is the lab-tested probe of
//   research/dependencies.md Appendix D.
// Fixtures (test/fixtures/ws-discovery, origins in test/fixtures/SOURCES.md): a Hikvision
//   DS-2CD3955FWD-IWS and a DS-2CD2385G1-I ProbeMatch, a Dahua IPC-HFW2228M-I1-V2 Hello.
// Sample result (Hikvision DS-2CD3955FWD-IWS):
//   { relatesTo: 'uuid:bfe8bb88-…', action: '…/discovery/ProbeMatches', namespaces: [… 'http://www.hikvision.com/2011/event/topics' …],
//     matches: [{ endpoint: 'urn:uuid:18ec6401-…-b4a3820fd92d', types: ['dn:NetworkVideoTransmitter', 'tds:Device'],
//       scopes: [… 'onvif://www.onvif.org/name/HIKVISION DS-2CD3955FWD-IWS' …], xaddrs: ['http://192.168.0.218/onvif/device_service',
//       'http://[fe80::b6a3:82ff:fe0f:d92d]/onvif/device_service'], metadataVersion: 10 }] }
// XAddrs are reported, never followed here: a reply may name any host (research: SSRF via onvif's resolve).

import { randomUUID } from 'node:crypto';
import { ParseError } from '../core/errors.js';
import { child, children, escapeXml, namespacesOf, parseXml, path, textOf, type XmlValue } from './xml.js';

export const WSD_PORT = 3702;
export const WSD_MULTICAST_V4 = '239.255.255.250';
export const WSD_MULTICAST_V6 = 'ff02::c';

const NS_SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const NS_ADDRESSING = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';
const NS_DISCOVERY = 'http://schemas.xmlsoap.org/ws/2005/04/discovery';
const NS_NETWORK = 'http://www.onvif.org/ver10/network/wsdl';
const NS_DEVICE = 'http://www.onvif.org/ver10/device/wsdl';
const TO_DISCOVERY = 'urn:schemas-xmlsoap-org:ws:2005:04:discovery';
const ACTION_PROBE = `${NS_DISCOVERY}/Probe`;

/** Caps on what one reply may make us keep (a UDP datagram is at most 64 KiB anyway). */
export const MAX_MATCHES = 32;
export const MAX_TYPES = 16;
export const MAX_SCOPES = 64;
export const MAX_XADDRS = 16;

export interface ProbeMatch {
  readonly endpoint: string | null; // EndpointReference/Address, e.g. urn:uuid:…; Hikvision's ends with the MAC
  readonly types: readonly string[]; // QNames as written, e.g. dn:NetworkVideoTransmitter
  readonly scopes: readonly string[]; // percent-decoded: onvif://www.onvif.org/name/HIKVISION DS-2CD3955FWD-IWS
  readonly xaddrs: readonly string[]; // as written; may include IPv6 link-local and other hosts
  readonly metadataVersion: number | null;
}

export interface ProbeMatches {
  readonly relatesTo: string | null; // null for Hello
  readonly action: string | null;
  readonly matches: readonly ProbeMatch[];
  readonly namespaces: readonly string[]; // declared on the Envelope: a vendor fingerprint
}

export function newMessageId(): string {
  return `urn:uuid:${randomUUID()}`;
}

/**
 * A Probe on one line. `types` is a space-separated list of QNames using the declared prefixes
 * `dn:` (ONVIF network) and `tds:` (ONVIF device); '' sends a Probe without Types.
 */
export function buildProbe(messageId: string, types = 'dn:NetworkVideoTransmitter'): string {
  const typesEl = types.trim() ? `<d:Types>${escapeXml(types.trim())}</d:Types>` : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<s:Envelope xmlns:s="${NS_SOAP12}" xmlns:a="${NS_ADDRESSING}" xmlns:d="${NS_DISCOVERY}" xmlns:dn="${NS_NETWORK}" xmlns:tds="${NS_DEVICE}">` +
    `<s:Header><a:MessageID>${escapeXml(messageId)}</a:MessageID><a:To>${TO_DISCOVERY}</a:To><a:Action>${ACTION_PROBE}</a:Action></s:Header>` +
    `<s:Body><d:Probe>${typesEl}</d:Probe></s:Body></s:Envelope>`
  );
}

/**
 * Parse a ProbeMatches reply or a Hello announcement; every ProbeMatch is kept (up to MAX_MATCHES).
 * With `expectedRelatesTo`, a reply whose RelatesTo is missing or names another probe is refused;
 * `uuid:X`, `urn:uuid:X` and bare `X` are the same id (devices echo either form).
 * Throws ParseError on malformed XML, a missing Envelope/Body, or any other message kind.
 */
export function parseProbeMatches(text: string, expectedRelatesTo?: string): ProbeMatches {
  const root = parseXml(text, { arrays: ['ProbeMatch'] });
  const envelope = child(root, 'Envelope');
  if (envelope === undefined) throw new ParseError('WS-Discovery: no SOAP Envelope');
  const body = child(envelope, 'Body');
  if (body === undefined) throw new ParseError('WS-Discovery: no SOAP Body');
  const header = child(envelope, 'Header');
  const relatesTo = clean(textOf(child(header, 'RelatesTo')));
  const action = clean(textOf(child(header, 'Action')));

  if (expectedRelatesTo !== undefined) {
    if (relatesTo === null) throw new ParseError('WS-Discovery: reply has no RelatesTo');
    if (normaliseId(relatesTo) !== normaliseId(expectedRelatesTo)) {
      throw new ParseError(`WS-Discovery: RelatesTo ${relatesTo.slice(0, 80)} does not answer our probe`);
    }
  }

  let raw: readonly XmlValue[];
  const probeMatches = child(body, 'ProbeMatches');
  const hello = child(body, 'Hello');
  if (probeMatches !== undefined) raw = children(probeMatches, 'ProbeMatch', MAX_MATCHES);
  else if (hello !== undefined) raw = [hello];
  else throw new ParseError('WS-Discovery: Body holds neither ProbeMatches nor Hello');

  return { relatesTo, action, matches: raw.map(toMatch), namespaces: namespacesOf(text) };
}

/** True when two message ids are the same UUID, whatever prefix each carries. */
export function sameMessageId(a: string, b: string): boolean {
  return normaliseId(a) === normaliseId(b);
}

function toMatch(m: XmlValue): ProbeMatch {
  const version = clean(textOf(child(m, 'MetadataVersion')));
  return {
    endpoint: clean(textOf(path(m, 'EndpointReference', 'Address'))),
    types: words(textOf(child(m, 'Types')), MAX_TYPES),
    scopes: words(textOf(child(m, 'Scopes')), MAX_SCOPES).map(percentDecode),
    xaddrs: words(textOf(child(m, 'XAddrs')), MAX_XADDRS),
    metadataVersion: version !== null && /^\d{1,10}$/.test(version) ? Number(version) : null,
  };
}

/** Split on any XML whitespace (captures wrap Scopes over several lines), keeping at most `max`. */
function words(text: string | null, max: number): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const w of text.split(/\s+/)) {
    if (!w) continue;
    out.push(w);
    if (out.length >= max) break;
  }
  return out;
}

/** Decode each run of %XX escapes on its own; a run that is not valid UTF-8 stays as written. */
function percentDecode(scope: string): string {
  return scope.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

function normaliseId(id: string): string {
  return id.trim().toLowerCase().replace(/^urn:/, '').replace(/^uuid:/, '');
}

function clean(value: string | null): string | null {
  const t = value?.trim();
  return t ? t : null;
}
