// Attack payloads for the hostile lab, each built around an honest generic document so that only the attack
// differs: XXE (an external entity pointing at a canary URL), billion laughs (nested entity expansion, the
// classic ten-level form), a body of any size, and malformed, truncated and duplicated discovery datagrams.
// Every one must come back from camaudit as a protocol error, without a fetch, an expansion or a crash.

import { randomBytes } from 'node:crypto';
import { deviceInformationBody } from './common.js';
import { generic } from './generic.js';

/** Stands in the honest document where the attack's entity reference (or filler) goes. */
const MARK = 'HOSTILE-MARK';
const DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

function withDtd(doc: string, dtd: string, ref: string): string {
  if (!doc.startsWith(DECL) || !doc.includes(MARK)) throw new Error('hostile payload: unexpected honest document');
  return `${DECL}<!DOCTYPE SOAP-ENV:Envelope [\n${dtd}\n]>\n${doc.slice(DECL.length).replace(MARK, ref)}`;
}

export function xxe(doc: string, canaryUrl: string): string {
  return withDtd(doc, `  <!ENTITY xxe SYSTEM "${canaryUrl}">`, '&xxe;');
}

export function billionLaughs(doc: string): string {
  const levels = ['  <!ENTITY lol0 "lol">'];
  for (let i = 1; i <= 9; i++) levels.push(`  <!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  return withDtd(doc, levels.join('\n'), '&lol9;');
}

/** GetDeviceInformationResponse with the attack in Manufacturer. */
export function deviceInformationDoc(): string {
  return generic.response(deviceInformationBody({ manufacturer: MARK, model: 'IPC', firmwareVersion: '1.0', serialNumber: '0', hardwareId: '1' }));
}

/** A ProbeMatches reply to `relatesTo` with the attack in its Scopes, advertising `xaddr`. */
export function probeMatchesDoc(relatesTo: string, endpoint: string, xaddr: string): string {
  return generic.probeMatches({
    relatesTo,
    freshUuid: endpoint.replace(/^uuid:/, ''),
    endpoint,
    types: 'dn:NetworkVideoTransmitter',
    scopes: ['onvif://www.onvif.org/Profile/Streaming', `onvif://www.onvif.org/name/${MARK}`],
    xaddrs: [xaddr],
    metadataVersion: 1,
    instanceId: 1,
    messageNumber: 1,
  });
}

/** The honest document itself: the mark replaced by a plain value. */
export function benign(doc: string): string {
  return doc.replace(MARK, 'IPC');
}

/** A well-formed document of exactly `bytes` bytes, as head, filler length and tail, to be streamed. */
export function hugeDocument(doc: string, bytes: number): { head: string; filler: number; tail: string } {
  const [head = '', tail = ''] = doc.split(MARK);
  return { head, filler: bytes - Buffer.byteLength(head) - Buffer.byteLength(tail), tail };
}

/**
 * What a broken or malicious device sends for one probe: random bytes, a truncated reply twice (a
 * duplicate), a reply to somebody else's probe, invalid UTF-8, and a datagram near the UDP maximum.
 */
export function garbageDatagrams(honest: string, otherProbe: string): Buffer[] {
  const cut = Buffer.from(honest.slice(0, Math.floor(honest.length / 2)));
  return [
    randomBytes(1500),
    cut,
    cut,
    Buffer.from(honest.replace(/<wsa:RelatesTo>[^<]*</, `<wsa:RelatesTo>${otherProbe}<`)),
    Buffer.from([0xff, 0xfe, 0x3c, 0x00, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
    Buffer.alloc(60_000, '<a>'),
  ];
}
