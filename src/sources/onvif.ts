// Source `onvif`: the ONVIF device service of hosts that answered WS-Discovery.
// Sends (HTTP POST, SOAP 1.2): GetSystemDateAndTime and GetDeviceInformation anonymously; with
// a credential whose CIDRs hold the device (environment, or --credentials FILE), GetDeviceInformation again with a
// WS-UsernameToken whose Created time follows the device's clock (cameras reject skewed tokens).
// For hosts behind a router it also asks GetNetworkInterfaces, the only way to learn their MAC.
// Only an XAddr on the responder's own address is contacted; any other XAddr is recorded, never followed.
// Spec: ONVIF Core Specification, device management service. Fixtures: test/fixtures/onvif (SOURCES.md).
import { randomBytes } from 'node:crypto';
import { ParseError } from '../core/errors.js';
import { normalizeMac } from '../core/mac.js';
import {
  buildGetDeviceInformation,
  buildGetNetworkInterfaces,
  buildGetSystemDateAndTime,
  parseDeviceInformation,
  parseFault,
  parseNetworkInterfaces,
  parseSystemDateAndTime,
  usernameToken,
} from '../protocols/onvif.js';
import { namespacesOf } from '../protocols/xml.js';
import { httpRequest } from '../net/http.js';
import { credentialFor } from './credentials.js';
import { vendorNamespaces } from './soap-namespaces.js';
import type { Credentials, DiscoverySource, HostView, SourceContext, SourceOutcome } from './types.js';

interface Endpoint {
  readonly port: number;
  readonly path: string;
  readonly tls: boolean;
}

/** The first XAddr on the host's own address; anything else is recorded and left alone. */
export function pickEndpoint(host: HostView, ctx: SourceContext): Endpoint | null {
  let chosen: Endpoint | null = null;
  for (const o of host.observations()) {
    if (o.key !== 'wsd.xaddrs') continue;
    let url: URL;
    try {
      url = new URL(o.value);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    if (url.hostname.startsWith('[')) continue; // IPv6 link-local duplicates of the same service
    if (url.hostname !== host.ip) {
      ctx.emit('onvif.xaddr-refused', host.ip, o.value, `XAddr ${o.value} names another address; not contacted (only the responder's own address is)`);
      continue;
    }
    const tls = url.protocol === 'https:';
    chosen ??= { port: url.port ? Number(url.port) : tls ? 443 : 80, path: `${url.pathname}${url.search}`, tls };
  }
  return chosen;
}

type Soap = { ok: true; text: string } | { ok: false; outcome: SourceOutcome };

async function soapCall(ctx: SourceContext, ip: string, ep: Endpoint, body: string): Promise<Soap> {
  const r = await httpRequest(ctx.scope, {
    ip,
    port: ep.port,
    path: ep.path,
    method: 'POST',
    tls: ep.tls,
    body,
    headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
    totalMs: ctx.options.timeouts.tcpMs * 3,
    signal: ctx.signal,
  });
  if (r.status !== 'ok') return { ok: false, outcome: { status: r.status, error: r.error } };
  if (r.response.truncated) return { ok: false, outcome: { status: 'protocol-error', error: 'SOAP response larger than the size cap' } };
  return { ok: true, text: r.response.body.toString('utf8') };
}

const FIELDS = [
  ['manufacturer', 'onvif.manufacturer', 'Manufacturer'],
  ['model', 'onvif.model', 'Model'],
  ['firmware', 'onvif.firmware', 'FirmwareVersion'],
  ['serial', 'onvif.serial', 'SerialNumber'],
  ['hardwareId', 'onvif.hardware-id', 'HardwareId'],
] as const;

async function deviceInformation(ctx: SourceContext, ip: string, ep: Endpoint, offsetMs: number, creds: Credentials | null): Promise<SourceOutcome> {
  const auth = creds ? usernameToken({ ...creds, created: new Date(Date.now() + offsetMs), nonce: randomBytes(16) }) : undefined;
  const res = await soapCall(ctx, ip, ep, buildGetDeviceInformation(auth));
  if (!res.ok) return res.outcome;
  const how = creds ? 'with credentials' : 'anonymously';
  const fault = parseFault(res.text);
  if (fault) {
    // NotAuthorized is a fact about the device (it wants credentials), not an error of the scan.
    ctx.emit('onvif.fault', ip, fault.subcode ?? fault.code, `GetDeviceInformation ${how}: SOAP fault ${fault.subcode ?? fault.code}${fault.reason ? ` (${fault.reason})` : ''}`);
    return { status: 'ok' };
  }
  const info = parseDeviceInformation(res.text);
  for (const [field, key, label] of FIELDS) {
    const v = info[field];
    if (v) ctx.emit(key, ip, v, `ONVIF GetDeviceInformation ${how}: ${label} "${v}"`);
  }
  for (const ns of vendorNamespaces(namespacesOf(res.text))) ctx.emit('soap.namespace', ip, ns, `ONVIF response declares namespace ${ns}`);
  return { status: 'ok' };
}

async function probe(host: HostView, ctx: SourceContext): Promise<SourceOutcome> {
  const ep = pickEndpoint(host, ctx);
  if (!ep) return { status: 'skipped', error: 'no XAddr on the host itself' };
  try {
    let offsetMs = 0;
    const time = await soapCall(ctx, host.ip, ep, buildGetSystemDateAndTime());
    if (!time.ok) return time.outcome;
    if (!parseFault(time.text)) {
      const t = parseSystemDateAndTime(time.text);
      const deviceNow = t.utc ?? t.local;
      if (deviceNow) offsetMs = deviceNow.getTime() - Date.now();
    }
    const creds = credentialFor(ctx.options.onvifCredentials, host.ip); // only one whose CIDRs hold this device
    const before = host.observations().length;
    const anon = await deviceInformation(ctx, host.ip, ep, offsetMs, null);
    const refused = host.observations().slice(before).some((o) => o.key === 'onvif.fault' && /NotAuthorized/i.test(o.value));
    const result = refused && creds ? await deviceInformation(ctx, host.ip, ep, offsetMs, creds) : anon;
    if (!ctx.scope.onLink(host.ip) && result.status === 'ok') await learnMac(ctx, host.ip, ep, offsetMs, refused ? creds : null);
    return result;
  } catch (err) {
    if (err instanceof ParseError) return { status: 'protocol-error', error: err.message };
    throw err;
  }
}

/** Behind a router ARP cannot see the device; its own interface list is the only honest source of its MAC. */
async function learnMac(ctx: SourceContext, ip: string, ep: Endpoint, offsetMs: number, creds: Credentials | null): Promise<void> {
  const auth = creds ? usernameToken({ ...creds, created: new Date(Date.now() + offsetMs), nonce: randomBytes(16) }) : undefined;
  const res = await soapCall(ctx, ip, ep, buildGetNetworkInterfaces(auth));
  if (!res.ok || parseFault(res.text)) return;
  for (const nic of parseNetworkInterfaces(res.text)) {
    const mac = normalizeMac(nic.mac);
    if (mac) ctx.emit('onvif.mac', ip, mac, `ONVIF GetNetworkInterfaces: ${nic.name ?? 'interface'} has MAC ${mac}`);
  }
}

export const onvifSource: DiscoverySource = {
  id: 'onvif',
  summary: 'ONVIF device service (HTTP POST to the XAddr on the host itself): GetSystemDateAndTime, GetDeviceInformation',
  perHost: { trigger: 'wsd.xaddrs', probe },
};
