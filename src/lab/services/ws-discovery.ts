// Simulated WS-Discovery 2005/04 target service (ONVIF discovery), ported from the Python responder in
// shared/research/dependencies.md Appendix B and made stricter:
// - two sockets on UDP 3702: one bound to 239.255.255.250 (multicast probes; membership joined on the device
//   address, since without a default route joining on INADDR_ANY fails with ENODEV), one bound to the device
//   address (unicast probes; also the source of every reply, so replies come from <device ip>:3702). Two sockets
//   instead of one on 0.0.0.0 let the log tell multicast probes from unicast ones.
// - only a well-formed SOAP envelope whose Body holds a Probe with a MessageID is answered; the reply's RelatesTo
//   is that MessageID and it goes unicast to the probe's source address and port.
// - Types and Scopes in the probe are honoured (namespace-qualified types; RFC 3986 segment-prefix matching for
//   scopes, strcmp0 when MatchBy says so); no match means no reply (logged as reply=nomatch).
// - ProbeMatches, Hello, Bye, Resolve and anything malformed are logged and ignored; datagrams from the device's
//   own address and port are dropped silently.

import { type RemoteInfo, type Socket, createSocket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import type { WsDiscoveryService } from '../topology.js';
import { xaddrsOf } from '../topology.js';
import { PAYLOADS } from '../payloads/index.js';
import { attr, bodyOperation, elements, isWellFormed, rootName, text } from '../xml.js';
import type { ServiceContext, ServiceHandle } from './context.js';

export const WSD_GROUP = '239.255.255.250';
export const WSD_PORT = 3702;

export function bind(sock: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    sock.once('error', onError);
    sock.bind({ port, address }, () => {
      sock.removeListener('error', onError);
      resolve();
    });
  });
}

/** Namespaces of the type prefixes the simulated devices use. */
const DEVICE_TYPE_NS: Readonly<Record<string, string>> = {
  dn: 'http://www.onvif.org/ver10/network/wsdl',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
};

/** `{namespace}local` for a QName; the prefix is resolved with `declared`, then with `fallback`; null if unknown. */
function expandQName(qname: string, declared: ReadonlyMap<string, string>, fallback: Readonly<Record<string, string>>): string | null {
  const colon = qname.indexOf(':');
  const prefix = colon < 0 ? '' : qname.slice(0, colon);
  const local = qname.slice(colon + 1);
  const ns = declared.get(prefix) ?? fallback[prefix];
  return ns === undefined ? null : `{${ns}}${local}`;
}

/** Every `xmlns:p="uri"` in the message (first declaration wins: good enough for flat probe messages). */
function declarations(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of xml.matchAll(/\sxmlns(?::([\w.-]+))?\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    const prefix = m[1] ?? '';
    if (!out.has(prefix)) out.set(prefix, m[2] ?? m[3] ?? '');
  }
  return out;
}

/**
 * Does a device with these types and scopes match the probe? Types are compared as namespace-qualified names
 * (the probe's prefixes resolved through its own xmlns declarations); Scopes by RFC 3986 segment prefix, or
 * exactly when MatchBy is strcmp0. An empty Types or Scopes matches everything.
 */
export function probeMatches(probeXml: string, svc: Pick<WsDiscoveryService, 'types' | 'scopes'>): boolean {
  const decl = declarations(probeXml);
  const wanted = (text(probeXml, 'Types') ?? '').split(/\s+/).filter(Boolean).map((q) => expandQName(q, decl, {}));
  const have = new Set(svc.types.split(/\s+/).filter(Boolean).map((q) => expandQName(q, new Map(), DEVICE_TYPE_NS)));
  if (!wanted.every((t) => t !== null && have.has(t))) return false;
  const scopesEl = elements(probeXml, 'Scopes')[0];
  const requested = (text(probeXml, 'Scopes') ?? '').split(/\s+/).filter(Boolean);
  if (requested.length === 0) return true;
  const matchBy = scopesEl ? attr(scopesEl.attrs, 'MatchBy') : null;
  const strcmp = matchBy?.endsWith('/strcmp0') ?? false;
  if (matchBy && !strcmp && !matchBy.endsWith('/rfc3986')) return false; // unsupported rule: no match
  return requested.every((r) =>
    svc.scopes.some((s) => (strcmp ? s === r : s === r || s.startsWith(r.endsWith('/') ? r : `${r}/`))),
  );
}

export async function startWsDiscovery(svc: WsDiscoveryService, ctx: ServiceContext): Promise<ServiceHandle> {
  const payloads = PAYLOADS[svc.flavour];
  const xaddrs = xaddrsOf(ctx.profile);
  const instanceId = Math.floor(ctx.bootTime.getTime() / 1000) % 2_000_000_000;
  let messageNumber = 0;
  const timers = new Set<NodeJS.Timeout>();

  const unicast = createSocket({ type: 'udp4', reuseAddr: true });
  const sockets: Socket[] = [unicast];
  try {
    await bind(unicast, ctx.portOverride?.wsDiscovery ?? WSD_PORT, ctx.bindIp);
    const port = unicast.address().port;
    if (ctx.multicast) {
      const multicast = createSocket({ type: 'udp4', reuseAddr: true });
      sockets.push(multicast);
      await bind(multicast, port, WSD_GROUP);
      multicast.addMembership(WSD_GROUP, ctx.bindIp);
      multicast.on('message', (buf, rinfo) => onMessage(buf, rinfo, 'multicast'));
    }
    unicast.on('message', (buf, rinfo) => onMessage(buf, rinfo, 'unicast'));
    for (const s of sockets) s.on('error', (err) => process.stderr.write(`ws-discovery socket error: ${String(err)}\n`));
  } catch (err) {
    for (const s of sockets) s.close();
    throw err;
  }

  function onMessage(buf: Buffer, rinfo: RemoteInfo, dst: 'multicast' | 'unicast'): void {
    if (rinfo.address === ctx.bindIp && rinfo.port === unicast.address().port) return; // our own traffic
    const xml = buf.toString('utf8');
    const base = { dst, sport: rinfo.port, bytes: buf.length };
    if (!isWellFormed(xml) || rootName(xml) !== 'Envelope') {
      ctx.log.write('ws-discovery', rinfo.address, 'malformed', { ...base, reply: 'ignored' });
      return;
    }
    const op = bodyOperation(xml) ?? 'empty';
    const msgid = text(xml, 'MessageID');
    if (op !== 'Probe') {
      ctx.log.write('ws-discovery', rinfo.address, op, { ...base, msgid, reply: 'ignored' });
      return;
    }
    if (!msgid) {
      ctx.log.write('ws-discovery', rinfo.address, op, { ...base, reply: 'ignored-no-msgid' });
      return;
    }
    if (!probeMatches(xml, svc)) {
      ctx.log.write('ws-discovery', rinfo.address, op, { ...base, msgid, reply: 'nomatch' });
      return;
    }
    const reply = payloads.probeMatches({
      relatesTo: msgid,
      freshUuid: randomUUID(),
      endpoint: svc.endpoint,
      types: svc.types,
      scopes: svc.scopes,
      xaddrs,
      metadataVersion: svc.metadataVersion,
      instanceId,
      messageNumber: ++messageNumber,
    });
    const send = (): void => {
      unicast.send(reply, rinfo.port, rinfo.address, (err) => {
        ctx.log.write('ws-discovery', rinfo.address, op, { ...base, msgid, reply: err ? `error:${(err as NodeJS.ErrnoException).code ?? err.message}` : 'sent' });
      });
    };
    const delay = dst === 'multicast' ? (svc.replyDelayMs ?? 0) : 0; // APP_MAX_DELAY is for multicast probes only
    if (delay === 0) send();
    else {
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, delay);
      timers.add(t);
    }
  }

  return {
    service: 'wsDiscovery',
    ports: { udp: unicast.address().port },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
