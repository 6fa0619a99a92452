// Source `ws-discovery`: ONVIF WS-Discovery (2005/04) Probe for dn:NetworkVideoTransmitter.
// Sends: the Probe to 239.255.255.250:3702 out of every local interface on the target subnets
// (twice, TTL 1), and once by unicast to every live host beyond a router (multicast does not cross routers).
// Emits Types, each Scope (percent-decoded), each XAddr, the endpoint reference and vendor SOAP
// namespaces. XAddrs are recorded, never followed here (the onvif source decides, in scope only).
// Spec: http://docs.oasis-open.org/ws-dd/discovery/1.1/ (2005/04 draft as ONVIF devices implement it).
// Fixtures: test/fixtures/ws-discovery (real Hikvision and Dahua captures, see SOURCES.md).
import { ParseError } from '../core/errors.js';
import { buildProbe, newMessageId, parseProbeMatches } from '../protocols/ws-discovery.js';
import { udpProbe } from '../net/udp.js';
import { vendorNamespaces } from './soap-namespaces.js';
import type { DiscoverySource, SourceContext } from './types.js';

export const WSD_GROUP = '239.255.255.250';
export const WSD_PORT = 3702;

type Parsed = ReturnType<typeof parseProbeMatches>;

function emitReply(ctx: SourceContext, ip: string, parsed: Parsed): void {
  for (const m of parsed.matches) {
    if (m.types.length) ctx.emit('wsd.types', ip, m.types.join(' '), `WS-Discovery Types: ${m.types.join(' ')}`);
    for (const s of m.scopes) ctx.emit('onvif.scopes', ip, s, `WS-Discovery scope ${s}`);
    for (const x of m.xaddrs) ctx.emit('wsd.xaddrs', ip, x, `WS-Discovery XAddr ${x}`);
    if (m.endpoint) ctx.emit('wsd.endpoint', ip, m.endpoint, `WS-Discovery endpoint ${m.endpoint}`);
  }
  for (const ns of vendorNamespaces(parsed.namespaces)) ctx.emit('soap.namespace', ip, ns, `WS-Discovery reply declares namespace ${ns}`);
}

/** Parses one datagram; a malformed one or an answer to someone else's probe is counted and dropped. */
function parseReply(ctx: SourceContext, data: Buffer, messageId: string, onRefused?: (why: string) => void): Parsed | null {
  try {
    return parseProbeMatches(data.toString('utf8'), messageId);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    ctx.drop(err.message);
    onRefused?.(err.message);
    return null;
  }
}

export const wsDiscoverySource: DiscoverySource = {
  id: 'ws-discovery',
  summary: 'WS-Discovery Probe to 239.255.255.250:3702 on each local target subnet, and unicast to each live host beyond a router',

  async run(ctx) {
    const ifaces = ctx.scope.multicastInterfaces;
    if (ifaces.length === 0) return { status: 'skipped', error: 'no local interface on the target subnets: multicast not sent (unicast probes still run)' };
    const messageId = newMessageId();
    const payload = Buffer.from(buildProbe(messageId), 'utf8');
    const answered = new Set<string>();
    const refused = new Set<string>();
    const results = await Promise.all(
      ifaces.map((iface) =>
        udpProbe(ctx.scope, {
          iface,
          to: WSD_GROUP,
          port: WSD_PORT,
          payload,
          repeat: 2,
          timeoutMs: ctx.options.timeouts.multicastMs,
          signal: ctx.signal,
          onDrop: ctx.drop,
          onReply({ data, from }) {
            // The probe goes out twice and devices answer each copy: once a device's answer was read, the next one is
            // dropped unparsed (parsing is most of the CPU a reply costs).
            if (answered.has(from)) return ctx.drop('duplicate');
            const parsed = parseReply(ctx, data, messageId, (why) => {
              // What the device sent instead of an answer is part of its evidence, once (a flood is only counted).
              if (refused.has(from) || !ctx.scope.allows(from)) return;
              refused.add(from);
              ctx.emit('probe.protocol-error', from, why, `reply refused: ${why}`);
            });
            if (!parsed) return;
            answered.add(from);
            emitReply(ctx, from, parsed);
          },
        }),
      ),
    );
    const failed = results.filter((r) => r.status !== 'ok');
    if (failed.length === results.length) return { status: failed[0]!.status, error: failed.map((r) => r.error).join('; ') };
    return failed.length ? { status: 'ok', error: failed.map((r) => r.error).join('; ') } : { status: 'ok' };
  },

  perHost: {
    trigger: 'live',
    // The multicast probe, sent twice out of the interface, asked every host on the segment; a device in ONVIF's
    // NonDiscoverable mode answers no Probe at all. Unicast is for hosts beyond a router, where multicast does not go.
    ignores: (ip, scope) => scope.onLink(ip) !== null,
    async probe(host, ctx) {
      const messageId = newMessageId();
      let outcome = 'none' as 'none' | 'ok' | 'bad'; // cast: assigned in the reply callback
      let refused = '';
      const r = await udpProbe(ctx.scope, {
        to: host.ip,
        port: WSD_PORT,
        payload: Buffer.from(buildProbe(messageId), 'utf8'),
        timeoutMs: ctx.options.timeouts.unicastMs,
        signal: ctx.signal,
        onDrop: ctx.drop,
        onReply({ data, from }) {
          if (from !== host.ip) return void ctx.drop(`unicast reply from ${from}, not ${host.ip}`);
          const parsed = parseReply(ctx, data, messageId, (why) => (refused ||= why));
          if (!parsed) {
            outcome = 'bad';
            return;
          }
          outcome = 'ok';
          emitReply(ctx, host.ip, parsed);
          return true;
        },
      });
      if (r.status !== 'ok') return r.error ? { status: r.status, error: r.error } : { status: r.status };
      if (outcome === 'bad') return { status: 'protocol-error', error: refused };
      return { status: outcome === 'ok' ? 'ok' : 'no-reply' };
    },
  },
};
