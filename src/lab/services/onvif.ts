// Simulated ONVIF device service (SOAP 1.2 over HTTP POST, default /onvif/device_service on port 80).
//
// Dispatch is on the local name of the first element in the SOAP Body:
//   GetSystemDateAndTime  → current UTC (and local) time; anonymous unless the profile protects it
//   GetDeviceInformation  → the profile's device information
//   GetNetworkInterfaces  → the device's MAC and IPv4 address (Hikvision-shaped reply)
//   anything else         → env:Receiver / ter:ActionNotSupported fault, HTTP 500 (SOAP 1.2 HTTP binding: Receiver → 500)
// A body that is not a well-formed SOAP envelope gets env:Sender / ter:WellFormed, HTTP 400.
// Operations listed in `auth.protect` need a WS-UsernameToken with PasswordDigest
//   = Base64(SHA1(nonce_bytes || Created || password)), checked against the profile's credentials;
// without one the device answers env:Sender / ter:NotAuthorized with HTTP `auth.faultStatus` (400, as Dahua does;
// 401 is selectable). PasswordText tokens are refused (ONVIF requires digest support; no device here needs text).
// The Dahua flavour uses the real Dahua reason text with its remaining-attempts counter (counted down on wrong
// credentials, never locking out).

import { createHash, timingSafeEqual } from 'node:crypto';
import type { OnvifService } from '../topology.js';
import { ONVIF_DEFAULT_PATH, ONVIF_DEFAULT_PORT } from '../topology.js';
import { PAYLOADS, type SoapFault, dahuaNotAuthorizedReason, deviceInformationBody, networkInterfacesBody, systemDateAndTimeBody } from '../payloads/index.js';
import { attr, bodyOperation, elements, isWellFormed, rootName, text } from '../xml.js';
import type { HttpRequest, ServiceContext, ServiceHandle } from './context.js';

export type AuthResult = 'none' | 'ok' | 'bad';

const DIGEST_TYPE = '#PasswordDigest';

/** Checks the WS-Security UsernameToken of a SOAP request against the expected credentials. */
export function checkUsernameToken(xml: string, username: string, password: string): AuthResult {
  const security = elements(xml, 'Security')[0];
  if (!security) return 'none';
  const token = elements(security.inner, 'UsernameToken')[0];
  if (!token) return 'bad';
  const user = text(token.inner, 'Username');
  const pwEl = elements(token.inner, 'Password')[0];
  const nonce = text(token.inner, 'Nonce');
  const created = text(token.inner, 'Created');
  if (user === null || !pwEl || nonce === null || created === null) return 'bad';
  const type = attr(pwEl.attrs, 'Type') ?? '';
  if (!type.endsWith(DIGEST_TYPE)) return 'bad';
  const expected = createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')]))
    .digest();
  let got: Buffer;
  try {
    got = Buffer.from(text(token.inner, 'Password') ?? '', 'base64');
  } catch {
    return 'bad';
  }
  const ok = user === username && got.length === expected.length && timingSafeEqual(got, expected);
  return ok ? 'ok' : 'bad';
}

/** Builds the WS-Security header a client sends (used by tests and by the lab's own probes). */
export function usernameTokenHeader(username: string, password: string, nonce: Buffer, created: string): string {
  const digest = createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(password)])).digest('base64');
  return (
    '<Security s:mustUnderstand="1" xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">' +
    `<UsernameToken><Username>${username}</Username>` +
    `<Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</Password>` +
    `<Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce.toString('base64')}</Nonce>` +
    `<Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${created}</Created>` +
    '</UsernameToken></Security>'
  );
}

const SOAP_CT = 'application/soap+xml; charset=utf-8';

export async function startOnvif(svc: OnvifService, ctx: ServiceContext): Promise<ServiceHandle> {
  const payloads = PAYLOADS[svc.flavour];
  const path = svc.path ?? ONVIF_DEFAULT_PATH;
  const hub = await ctx.http(ctx.portOverride?.onvif ?? svc.port ?? ONVIF_DEFAULT_PORT);
  let attemptsLeft = 25;

  hub.route(path, ({ req, res, body, from }: HttpRequest) => {
    const send = (status: number, xml: string, op: string, auth: AuthResult | 'n/a', headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'Content-Type': SOAP_CT, 'Content-Length': Buffer.byteLength(xml), ...headers });
      res.end(xml);
      ctx.log.write('onvif', from, op, { status, auth, path });
    };
    const fault = (status: number, f: SoapFault, op: string, auth: AuthResult | 'n/a', headers?: Record<string, string>): void =>
      send(status, payloads.fault(f), op, auth, headers);

    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST', 'Content-Length': 0 });
      res.end();
      ctx.log.write('onvif', from, req.method ?? '-', { status: 405, path });
      return;
    }
    const xml = body.toString('utf8');
    if (!isWellFormed(xml) || rootName(xml) !== 'Envelope') {
      fault(400, { code: 'Sender', subcode: 'ter:WellFormed', reason: 'Well-formed Error' }, 'malformed', 'n/a');
      return;
    }
    const op = bodyOperation(xml) ?? 'empty';
    const auth: AuthResult = svc.auth ? checkUsernameToken(xml, svc.auth.username, svc.auth.password) : elements(xml, 'Security').length ? 'bad' : 'none';
    const needsAuth = svc.auth?.protect.some((p) => p === op) ?? false;
    if (needsAuth && auth !== 'ok') {
      if (auth === 'bad' && attemptsLeft > 0) attemptsLeft--;
      const reason = svc.flavour === 'dahua' ? dahuaNotAuthorizedReason(attemptsLeft) : 'Sender not Authorized';
      const status = svc.auth?.faultStatus ?? 400;
      const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': `Digest realm="onvif", qop="auth", nonce="${Date.now().toString(16)}"` } : {};
      fault(status, { code: 'Sender', subcode: 'ter:NotAuthorized', reason }, op, auth, headers);
      return;
    }
    switch (op) {
      case 'GetSystemDateAndTime':
        send(200, payloads.response(systemDateAndTimeBody(new Date(), svc.timeZone ?? 'GMT0')), op, auth);
        return;
      case 'GetDeviceInformation':
        send(200, payloads.response(deviceInformationBody(svc.deviceInformation)), op, auth);
        return;
      case 'GetNetworkInterfaces':
        send(200, payloads.response(networkInterfacesBody(ctx.profile.mac, ctx.profile.ip, ctx.prefixLength)), op, auth);
        return;
      default:
        fault(500, { code: 'Receiver', subcode: 'ter:ActionNotSupported', reason: 'Optional Action Not Implemented' }, op, auth);
    }
  });

  return { service: 'onvif', ports: { tcp: hub.port }, close: async () => {} };
}
