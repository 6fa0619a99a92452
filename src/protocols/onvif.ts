// ONVIF device service (SOAP 1.2 over HTTP POST, usually http://<host>/onvif/device_service),
// pure build/parse; the HTTP exchange lives in src/net.
//
// Sends: GetSystemDateAndTime (anonymous, first, to learn the device clock), then
//   GetDeviceInformation and GetNetworkInterfaces, signed with a WS-UsernameToken whose Created
//   time is the device's clock (caller: Created = now + deviceUtc - localUtcAtReply).
// Specs: ONVIF Core Specification https://www.onvif.org/specs/core/ONVIF-Core-Specification.pdf
//   (device management, error handling, security); device WSDL https://www.onvif.org/ver10/device/wsdl/devicemgmt.wsdl;
//   OASIS WSS UsernameToken Profile 1.0 https://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0.pdf
// Request shapes follow agsh/onvif src/onvif.ts (MIT). Fixtures (test/fixtures/onvif, origins in
//   test/fixtures/SOURCES.md): Dahua DH-2H3400-ADP and IPC-HDW1025C, Axis M5525-E device information,
//   a Dahua NotAuthorized fault, a Hikvision GetNetworkInterfaces, an agsh-shaped time mockup.
// Sample result: parseDeviceInformation(Dahua) → { manufacturer: 'Dahua', model: 'DH-2H3400-ADP',
//   firmware: '2.811.0000013.0.R, Build Date 2023-12-20', serial: 'BA07995PHA29A85', hardwareId: '1.00' }
//
// CONTRACT for callers: a device that refuses a request still answers with well-formed SOAP, a
// Fault. So, for every response body:
//   1. `parseFault(text)`: a Fault → handle it (`isNotAuthorized(f)` → wrong credentials, clock
//      skew, or ONVIF disabled for that user); it throws ParseError only for bytes that are not a
//      SOAP envelope at all (or a Fault without a code).
//   2. otherwise `parseXxx(text)`: the typed result, or ParseError when the envelope is malformed
//      or lacks the expected response element (a Fault included: step 1 was skipped).
// A ParseError therefore always means "protocol-error", never "access denied".

import { createHash } from 'node:crypto';
import { ParseError } from '../core/errors.js';
import { normalizeMac } from '../core/mac.js';
import { attrOf, child, children, escapeXml, isNode, parseXml, path, textOf, type XmlNode, type XmlValue } from './xml.js';

const NS_SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const NS_DEVICE = 'http://www.onvif.org/ver10/device/wsdl';
const NS_WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const NS_WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export const MAX_INTERFACES = 16;

/** A `<wsse:Security>` header made by `usernameToken`; only that function produces one. */
export type SecurityHeader = string & { readonly __brand: 'wsse:Security' };

export interface UsernameTokenInput {
  readonly username: string;
  readonly password: string;
  readonly created: Date; // the device's clock, not ours (see the header)
  readonly nonce: Buffer; // 16 random bytes from crypto.randomBytes
}

export interface SystemDateAndTime {
  readonly utc: Date | null;
  /** The device's wall clock, stored in the Date's UTC fields (its offset is not knowable reliably). */
  readonly local: Date | null;
  readonly tz: string | null; // POSIX-style TZ as sent, e.g. CST-8:00:00
}

export interface DeviceInformation {
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly firmware: string | null;
  readonly serial: string | null;
  readonly hardwareId: string | null;
}

export interface SoapFault {
  readonly code: string; // e.g. s:Sender, as written (prefix included); SOAP requires one
  readonly subcode: string | null; // first-level subcode, e.g. ter:NotAuthorized
  readonly subcodes: readonly string[]; // every level, outermost first (ONVIF nests e.g. ter:InvalidArgVal/ter:NoProfile)
  readonly reason: string | null; // first Reason/Text
}

export interface NetworkInterface {
  readonly name: string | null;
  readonly mac: string | null; // lower-case colon form, or null when absent/invalid
}

export function buildGetSystemDateAndTime(security?: SecurityHeader): string {
  return envelope('<GetSystemDateAndTime xmlns="' + NS_DEVICE + '"/>', security);
}

export function buildGetDeviceInformation(security?: SecurityHeader): string {
  return envelope('<GetDeviceInformation xmlns="' + NS_DEVICE + '"/>', security);
}

export function buildGetNetworkInterfaces(security?: SecurityHeader): string {
  return envelope('<GetNetworkInterfaces xmlns="' + NS_DEVICE + '"/>', security);
}

/** Base64(SHA1(nonce || created || password)), UTF-8 for the strings (OASIS UsernameToken Profile 1.0). */
export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')]))
    .digest('base64');
}

/** The WS-Security header for one request. `s:` is the envelope prefix used by the builders above. */
export function usernameToken(input: UsernameTokenInput): SecurityHeader {
  if (Number.isNaN(input.created.getTime())) throw new RangeError('usernameToken: created is an invalid Date');
  if (input.nonce.length === 0) throw new RangeError('usernameToken: empty nonce');
  const created = input.created.toISOString();
  const digest = passwordDigest(input.nonce, created, input.password);
  return (
    `<wsse:Security s:mustUnderstand="1" xmlns:wsse="${NS_WSSE}" xmlns:wsu="${NS_WSU}"><wsse:UsernameToken>` +
    `<wsse:Username>${escapeXml(input.username)}</wsse:Username>` +
    `<wsse:Password Type="${PASSWORD_DIGEST}">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="${BASE64_BINARY}">${input.nonce.toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created>` +
    `</wsse:UsernameToken></wsse:Security>`
  ) as SecurityHeader;
}

/**
 * The Fault in a SOAP 1.2 (Code/Subcode/Reason) or SOAP 1.1 (faultcode/faultstring) envelope, or
 * null when the body is not a Fault. Throws ParseError when the text is not a SOAP envelope, or is
 * a Fault without the code SOAP requires.
 */
export function parseFault(text: string): SoapFault | null {
  const fault = child(soapBody(text, 'fault'), 'Fault');
  if (fault === undefined) return null;
  const code = child(fault, 'Code');
  const v11 = trimmed(child(fault, 'faultcode'));
  if (code === undefined && v11 !== null) return { code: v11, subcode: null, subcodes: [], reason: trimmed(child(fault, 'faultstring')) };
  const value = trimmed(child(code, 'Value'));
  if (value === null) throw new ParseError('SOAP Fault without a Code');
  const subcodes: string[] = [];
  let sub = child(code, 'Subcode');
  for (let depth = 0; sub !== undefined && depth < 8; depth++) {
    const v = trimmed(child(sub, 'Value'));
    if (v !== null) subcodes.push(v);
    sub = child(sub, 'Subcode');
  }
  const firstText = children(child(fault, 'Reason'), 'Text', 1)[0];
  return { code: value, subcode: subcodes[0] ?? null, subcodes, reason: trimmed(firstText) };
}

/** A NotAuthorized subcode at any level, whatever prefix the device gave the ONVIF error namespace. */
export function isNotAuthorized(fault: SoapFault): boolean {
  return fault.subcodes.some((s) => localName(s) === 'NotAuthorized');
}

export function parseSystemDateAndTime(text: string): SystemDateAndTime {
  const sdt = path(soapBody(text, 'GetSystemDateAndTime'), 'GetSystemDateAndTimeResponse', 'SystemDateAndTime');
  if (sdt === undefined) throw new ParseError('ONVIF GetSystemDateAndTime: no SystemDateAndTime in the response');
  return {
    utc: dateTime(child(sdt, 'UTCDateTime')),
    local: dateTime(child(sdt, 'LocalDateTime')),
    tz: trimmed(path(sdt, 'TimeZone', 'TZ')),
  };
}

export function parseDeviceInformation(text: string): DeviceInformation {
  const info = child(soapBody(text, 'GetDeviceInformation'), 'GetDeviceInformationResponse');
  if (info === undefined) throw new ParseError('ONVIF GetDeviceInformation: no GetDeviceInformationResponse in the body');
  return {
    manufacturer: trimmed(child(info, 'Manufacturer')),
    model: trimmed(child(info, 'Model')),
    firmware: trimmed(child(info, 'FirmwareVersion')),
    serial: trimmed(child(info, 'SerialNumber')),
    hardwareId: trimmed(child(info, 'HardwareId')),
  };
}

export function parseNetworkInterfaces(text: string): NetworkInterface[] {
  const body = soapBody(text, 'GetNetworkInterfaces', { attributes: true, arrays: ['NetworkInterfaces'] });
  const response = child(body, 'GetNetworkInterfacesResponse');
  if (response === undefined) throw new ParseError('ONVIF GetNetworkInterfaces: no GetNetworkInterfacesResponse in the body');
  return children(response, 'NetworkInterfaces', MAX_INTERFACES).map((nic) => ({
    name: trimmed(path(nic, 'Info', 'Name')) ?? clean(attrOf(nic, 'token')),
    mac: normalizeMac(trimmed(path(nic, 'Info', 'HwAddress'))),
  }));
}

function envelope(bodyContent: string, security?: SecurityHeader): string {
  const header = security ? `<s:Header>${security}</s:Header>` : '';
  return `<s:Envelope xmlns:s="${NS_SOAP12}">${header}<s:Body>${bodyContent}</s:Body></s:Envelope>`;
}

function soapBody(text: string, what: string, opts: { attributes?: boolean; arrays?: string[] } = {}): XmlNode {
  const envelope = child(parseXml(text, opts), 'Envelope');
  if (envelope === undefined) throw new ParseError(`ONVIF ${what}: not a SOAP envelope`);
  const body = child(envelope, 'Body');
  if (body === undefined) throw new ParseError(`ONVIF ${what}: SOAP envelope without a Body`);
  // An empty <Body/> parses as '': still a Body, just one with nothing in it.
  return isNode(body) ? body : {};
}

/** tt:DateTime → Date (UTC fields), or null when a field is missing or out of range (Feb 31, hour 25). */
function dateTime(dt: XmlValue | undefined): Date | null {
  if (dt === undefined) return null;
  const n = (v: XmlValue | undefined): number | null => {
    const t = trimmed(v);
    return t !== null && /^\d{1,4}$/.test(t) ? Number(t) : null;
  };
  const y = n(path(dt, 'Date', 'Year'));
  const mo = n(path(dt, 'Date', 'Month'));
  const d = n(path(dt, 'Date', 'Day'));
  const h = n(path(dt, 'Time', 'Hour'));
  const mi = n(path(dt, 'Time', 'Minute'));
  const s = n(path(dt, 'Time', 'Second'));
  if (y === null || mo === null || d === null || h === null || mi === null || s === null) return null;
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59)));
  date.setUTCFullYear(y); // Date.UTC maps years 0–99 to 1900–1999
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : null;
}

function trimmed(v: XmlValue | undefined): string | null {
  return clean(textOf(v));
}

function clean(value: string | null): string | null {
  const t = value?.trim();
  return t ? t : null;
}

function localName(qname: string): string {
  const i = qname.lastIndexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
}
