// Dahua DHIP discovery over UDP 37810, pure build/parse; the socket lives in src/net.
//
// Frame: a 32-byte little-endian header — 0x20 (header size), "DHIP", session id, request id, body length,
//   0, body length again, 0 — then a UTF-8 JSON body. Replies end the body with "\n\0" (counted in the length).
// Sends: `{ "method" : "DHDiscover.search", "params" : { "mac" : "", "uni" : 1 } }\n`, the exact request bytes
//   of zcyberseclab/zscan, to 239.255.255.251:37810 or unicast to one host. Devices answer
//   `client.notifyDevInfo`, to the prober or only to the group (research peers-and-protocols.md §3.4;
//   UniversalScanner Dahua2.cs listens on the group).
// Fixtures (test/fixtures/dhip, origins in SOURCES.md): zscan's request, and three real replies (a Dahua
//   IPC-HDW1431T1-S4 that says Vendor "Private", an Intelbras SS 3530 access terminal with a Dahua OUI, an
//   Intelbras MHDX 1016 DVR).
// Sample result (IPC-HDW1431T1-S4):
//   { mac: '08:ed:ed:87:42:7a', deviceClass: 'IPC', deviceType: 'IPC-HDW1431T1-S4', serial: '6C01E93PAG69A7D',
//     vendor: 'Private', version: '2.800.0000000.13.R', ipv4: '192.168.124.17' }
// Vendor is the label the firmware was built for (an OEM's name, or Private/General), not who built it.

import { ParseError } from '../core/errors.js';

export const DHIP_PORT = 37810;
export const DHIP_GROUP = '239.255.255.251';
export const DHIP_HEADER_BYTES = 32;
/** Real replies are under 1 KB; a reflector write-up measured 759 bytes. */
export const MAX_DHIP_BYTES = 16 * 1024;
export const MAX_DHIP_FIELD = 256;

const MAGIC = 'DHIP';
const SEARCH_BODY = '{ "method" : "DHDiscover.search", "params" : { "mac" : "", "uni" : 1 } }\n';
export const DHIP_REPLY_METHOD = 'client.notifyDevInfo';

export interface DhipFrame {
  readonly session: number;
  readonly id: number;
  readonly body: string; // trailing NULs and whitespace removed
}

export interface DhipDeviceInfo {
  readonly mac: string | null; // as sent, colon-separated
  readonly deviceClass: string | null; // IPC, NVR, XVR, MHDX, BSC …
  readonly deviceType: string | null; // the model
  readonly serial: string | null;
  readonly vendor: string | null; // Vendor, else Manufacturer
  readonly version: string | null;
  readonly ipv4: string | null; // the address the device says it has
}

export function buildFrame(body: string, ids: { session?: number; id?: number } = {}): Buffer {
  const json = Buffer.from(body, 'utf8');
  const header = Buffer.alloc(DHIP_HEADER_BYTES);
  header.writeUInt32LE(DHIP_HEADER_BYTES, 0);
  header.write(MAGIC, 4, 'latin1');
  header.writeUInt32LE(ids.session ?? 0, 8);
  header.writeUInt32LE(ids.id ?? 0, 12);
  header.writeUInt32LE(json.length, 16);
  header.writeUInt32LE(json.length, 24);
  return Buffer.concat([header, json]);
}

export function buildSearch(): Buffer {
  return buildFrame(SEARCH_BODY);
}

const isPadding = (b: number): boolean => b === 0 || b === 0x0a || b === 0x0d || b === 0x20 || b === 0x09;

/** Header checks and the body as text. A length that disagrees with itself or with the datagram is refused. */
export function parseFrame(data: Buffer): DhipFrame {
  if (data.length > MAX_DHIP_BYTES) throw new ParseError(`DHIP datagram larger than ${MAX_DHIP_BYTES} bytes`);
  if (data.length < DHIP_HEADER_BYTES) throw new ParseError(`DHIP datagram of ${data.length} bytes is shorter than its header`);
  if (data.readUInt32LE(0) !== DHIP_HEADER_BYTES || data.toString('latin1', 4, 8) !== MAGIC) throw new ParseError('not a DHIP frame');
  const length = data.readUInt32LE(16);
  if (data.readUInt32LE(24) !== length) throw new ParseError('DHIP header has two different body lengths');
  if (DHIP_HEADER_BYTES + length > data.length) throw new ParseError(`DHIP body truncated: header says ${length} bytes, ${data.length - DHIP_HEADER_BYTES} arrived`);
  let end = DHIP_HEADER_BYTES + length;
  for (let i = end; i < data.length; i++) if (!isPadding(data[i]!)) throw new ParseError('DHIP datagram has bytes after its body');
  while (end > DHIP_HEADER_BYTES && isPadding(data[end - 1]!)) end--;
  const body = new TextDecoder('utf-8', { fatal: false }).decode(data.subarray(DHIP_HEADER_BYTES, end));
  return { session: data.readUInt32LE(8), id: data.readUInt32LE(12), body };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own string property, trimmed; null when absent, empty or not a string. */
function str(obj: Record<string, unknown>, key: string): string | null {
  if (!Object.hasOwn(obj, key)) return null;
  const v = obj[key];
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (t.length > MAX_DHIP_FIELD) throw new ParseError(`DHIP ${key} longer than ${MAX_DHIP_FIELD} characters`);
  return t === '' ? null : t;
}

/** One DHIP datagram → the device information of a discovery reply. Requests and other methods are ParseErrors. */
export function parseDeviceInfo(data: Buffer): DhipDeviceInfo {
  const { body } = parseFrame(data);
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    throw new ParseError(`DHIP body is not JSON: ${err instanceof Error ? err.message.slice(0, 120) : 'invalid'}`);
  }
  if (!isObject(doc)) throw new ParseError('DHIP body is not a JSON object');
  const method = str(doc, 'method');
  if (method !== DHIP_REPLY_METHOD) throw new ParseError(`DHIP method ${JSON.stringify(method)} is not a discovery reply`);
  const params = Object.hasOwn(doc, 'params') ? doc.params : undefined;
  const info = isObject(params) && Object.hasOwn(params, 'deviceInfo') ? params.deviceInfo : undefined;
  if (!isObject(info)) throw new ParseError('DHIP reply without params.deviceInfo');
  const ipv4 = Object.hasOwn(info, 'IPv4Address') ? info.IPv4Address : undefined;
  return {
    mac: str(doc, 'mac'),
    deviceClass: str(info, 'DeviceClass'),
    deviceType: str(info, 'DeviceType'),
    serial: str(info, 'SerialNo'),
    vendor: str(info, 'Vendor') ?? str(info, 'Manufacturer'),
    version: str(info, 'Version'),
    ipv4: isObject(ipv4) ? str(ipv4, 'IPAddress') : null,
  };
}
