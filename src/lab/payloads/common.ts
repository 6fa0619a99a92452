// Building blocks shared by the vendor payload sets: SOAP 1.2 / WS-Addressing / WS-Discovery 2005/04
// namespaces, an indenter that reproduces each vendor's layout, and the ONVIF device-service bodies.
// Bodies use the tds:/tt: prefixes, which every captured vendor envelope declares.

import type { OnvifDeviceInformation } from '../topology.js';
import { esc } from '../xml.js';

export const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  soapenc: 'http://www.w3.org/2003/05/soap-encoding',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xs: 'http://www.w3.org/2001/XMLSchema',
  wsa: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  wsd: 'http://schemas.xmlsoap.org/ws/2005/04/discovery',
  tt: 'http://www.onvif.org/ver10/schema',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  dn: 'http://www.onvif.org/ver10/network/wsdl',
  ter: 'http://www.onvif.org/ver10/error',
} as const;

export const WSD_ACTION_PROBE_MATCHES = 'http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches';
export const WSA_ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';

export interface ProbeMatchArgs {
  /** The probe's MessageID, echoed verbatim in RelatesTo. */
  readonly relatesTo: string;
  /** A fresh `uuid` (no scheme) for vendors that send a new MessageID per message. */
  readonly freshUuid: string;
  readonly endpoint: string;
  readonly types: string;
  readonly scopes: readonly string[];
  readonly xaddrs: readonly string[];
  readonly metadataVersion: number;
  /** WS-Discovery AppSequence: InstanceId is fixed per boot, MessageNumber counts messages sent. */
  readonly instanceId: number;
  readonly messageNumber: number;
}

export interface SoapFault {
  readonly code: 'Sender' | 'Receiver';
  /** Qualified with `ter:`, e.g. `ter:NotAuthorized`. */
  readonly subcode: string;
  readonly reason: string;
}

/** One ONVIF response or fault, as each vendor wraps it. */
export interface VendorPayloads {
  probeMatches(a: ProbeMatchArgs): string;
  /** A SOAP envelope around an ONVIF response body built by the functions below. */
  response(body: string): string;
  fault(f: SoapFault): string;
}

/**
 * Re-indents element-only XML (as generated here: no mixed content, no comments) with `unit` per level,
 * starting at `depth`. Elements that hold only text stay on one line.
 */
export function indentXml(xml: string, unit: string, depth = 0, newline = '\n'): string {
  const tokens = xml.match(/<[^>]+>|[^<]+/g) ?? [];
  let out = '';
  let level = depth;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.startsWith('</')) {
      level--;
      out += `${unit.repeat(level)}${t}${newline}`;
    } else if (t.startsWith('<')) {
      const selfClosing = t.endsWith('/>');
      const textNext = tokens[i + 1] !== undefined && !tokens[i + 1]!.startsWith('<') && tokens[i + 2]?.startsWith('</');
      if (selfClosing) out += `${unit.repeat(level)}${t}${newline}`;
      else if (textNext) {
        out += `${unit.repeat(level)}${t}${tokens[i + 1]}${tokens[i + 2]}${newline}`;
        i += 2;
      } else if (tokens[i + 1]?.startsWith('</')) {
        out += `${unit.repeat(level)}${t}${tokens[i + 1]}${newline}`;
        i += 1;
      } else {
        out += `${unit.repeat(level)}${t}${newline}`;
        level++;
      }
    } else if (t.trim() !== '') out += `${unit.repeat(level)}${t.trim()}${newline}`;
  }
  return out;
}

export function xmlns(map: Readonly<Record<string, string>>): string {
  return Object.entries(map)
    .map(([p, uri]) => ` xmlns:${p}="${uri}"`)
    .join('');
}

// ---------------------------------------------------------------------------------------------
// ONVIF device-service bodies (compact; vendors indent them)

/** POSIX TZ offset east of UTC in minutes: "CST-8:00:00" → +480, "GMT0" → 0, "EST5EDT" → -300. */
export function tzOffsetMinutes(tz: string): number {
  const m = /^[A-Za-z]{3,}([+-]?)(\d{1,2})(?::(\d{1,2}))?(?::\d{1,2})?/.exec(tz);
  if (!m) return 0;
  const mins = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' || mins === 0 ? mins : -mins;
}

function dateTime(d: Date): string {
  return (
    `<tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time>` +
    `<tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date>`
  );
}

/** Shape of agsh/onvif's `test/serverMockup/GetSystemDateAndTime.xml` (peers-and-protocols.md §3.2). */
export function systemDateAndTimeBody(now: Date, tz: string): string {
  const local = new Date(now.getTime() + tzOffsetMinutes(tz) * 60_000);
  return (
    '<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>' +
    '<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>' +
    `<tt:TimeZone><tt:TZ>${esc(tz)}</tt:TZ></tt:TimeZone>` +
    `<tt:UTCDateTime>${dateTime(now)}</tt:UTCDateTime>` +
    `<tt:LocalDateTime>${dateTime(local)}</tt:LocalDateTime>` +
    '</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>'
  );
}

/** Element order of the real Dahua and Axis replies (peers-and-protocols.md §3.2). */
export function deviceInformationBody(i: OnvifDeviceInformation): string {
  return (
    '<tds:GetDeviceInformationResponse>' +
    `<tds:Manufacturer>${esc(i.manufacturer)}</tds:Manufacturer>` +
    `<tds:Model>${esc(i.model)}</tds:Model>` +
    `<tds:FirmwareVersion>${esc(i.firmwareVersion)}</tds:FirmwareVersion>` +
    `<tds:SerialNumber>${esc(i.serialNumber)}</tds:SerialNumber>` +
    `<tds:HardwareId>${esc(i.hardwareId)}</tds:HardwareId>` +
    '</tds:GetDeviceInformationResponse>'
  );
}

/** EUI-64 link-local address derived from a MAC, as the real Hikvision capture shows (fe80::2a57:beff:fe65:7dd5). */
export function linkLocalFromMac(mac: string): string {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  const w = (hi: number, lo: number): string => ((hi << 8) | lo).toString(16);
  return `fe80::${w(b[0]! ^ 2, b[1]!)}:${w(b[2]!, 0xff)}:${w(0xfe, b[3]!)}:${w(b[4]!, b[5]!)}`;
}

/** Modelled on the real Hikvision reply in agsh/onvif `test/serverMockup/device.GetNetworkInterfaces.xml` (§3.2). */
export function networkInterfacesBody(mac: string, ip: string, prefixLength: number): string {
  const ll = linkLocalFromMac(mac);
  const link = '<tt:AutoNegotiation>true</tt:AutoNegotiation><tt:Speed>100</tt:Speed><tt:Duplex>Full</tt:Duplex>';
  return (
    '<tds:GetNetworkInterfacesResponse><tds:NetworkInterfaces token="eth0">' +
    '<tt:Enabled>true</tt:Enabled>' +
    `<tt:Info><tt:Name>eth0</tt:Name><tt:HwAddress>${mac}</tt:HwAddress><tt:MTU>1500</tt:MTU></tt:Info>` +
    `<tt:Link><tt:AdminSettings>${link}</tt:AdminSettings><tt:OperSettings>${link}</tt:OperSettings><tt:InterfaceType>0</tt:InterfaceType></tt:Link>` +
    `<tt:IPv4><tt:Enabled>true</tt:Enabled><tt:Config><tt:Manual><tt:Address>${ip}</tt:Address><tt:PrefixLength>${prefixLength}</tt:PrefixLength></tt:Manual><tt:DHCP>false</tt:DHCP></tt:Config></tt:IPv4>` +
    `<tt:IPv6><tt:Enabled>true</tt:Enabled><tt:Config><tt:AcceptRouterAdvert>false</tt:AcceptRouterAdvert><tt:DHCP>Off</tt:DHCP>` +
    `<tt:LinkLocal><tt:Address>${ll}</tt:Address><tt:PrefixLength>64</tt:PrefixLength></tt:LinkLocal>` +
    `<tt:FromDHCP><tt:Address>${ll}</tt:Address><tt:PrefixLength>64</tt:PrefixLength></tt:FromDHCP></tt:Config></tt:IPv6>` +
    '</tds:NetworkInterfaces></tds:GetNetworkInterfacesResponse>'
  );
}

/** SOAP 1.2 fault element with the envelope's own prefix `p`. */
export function faultBody(p: string, f: SoapFault): string {
  return (
    `<${p}:Fault><${p}:Code><${p}:Value>${p}:${f.code}</${p}:Value><${p}:Subcode><${p}:Value>${esc(f.subcode)}</${p}:Value></${p}:Subcode></${p}:Code>` +
    `<${p}:Reason><${p}:Text xml:lang="en">${esc(f.reason)}</${p}:Text></${p}:Reason></${p}:Fault>`
  );
}

/** The WS-Discovery ProbeMatch element with the given prefixes for discovery (d) and addressing (a). */
export function probeMatchElement(d: string, a: string, m: ProbeMatchArgs): string {
  return (
    `<${d}:ProbeMatches><${d}:ProbeMatch>` +
    `<${a}:EndpointReference><${a}:Address>${esc(m.endpoint)}</${a}:Address></${a}:EndpointReference>` +
    `<${d}:Types>${esc(m.types)}</${d}:Types>` +
    `<${d}:Scopes>${esc(m.scopes.join(' '))}</${d}:Scopes>` +
    (m.xaddrs.length ? `<${d}:XAddrs>${esc(m.xaddrs.join(' '))}</${d}:XAddrs>` : '') +
    `<${d}:MetadataVersion>${m.metadataVersion}</${d}:MetadataVersion>` +
    `</${d}:ProbeMatch></${d}:ProbeMatches>`
  );
}
