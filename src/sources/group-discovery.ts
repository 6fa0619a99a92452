// The shape shared by vendor discovery protocols (Hikvision SADP, Dahua DHIP): one datagram to a multicast
// group out of every interface facing the targets, the same datagram unicast to every live host beyond a
// router (multicast does not cross routers), and replies that may come back to the group instead of to us.
// So the multicast probe also listens on the group, and a reply is taken from whoever sent it: the datagram's
// source address is the device; the address its payload states is recorded, never probed.
import { ParseError } from '../core/errors.js';
import type { MatchKey, SourceId } from '../core/types.js';
import { udpProbe, type UdpReply } from '../net/udp.js';
import type { DiscoverySource, SourceContext, SourceOutcome } from './types.js';

export interface GroupDiscovery<T> {
  readonly id: SourceId;
  readonly summary: string;
  /** Protocol name in evidence lines ("SADP"). */
  readonly protocol: string;
  readonly group: string;
  readonly port: number;
  readonly maxBytes: number;
  probe(): Buffer;
  /** One datagram → a reply; a ParseError for anything else (a probe, a Hello, junk). */
  parse(data: Buffer): T;
  /** The IPv4 address the reply says the device has. */
  statedIp(reply: T): string | null;
  /** The reply's facts: key, value (null: absent), and the field's name for the evidence line. */
  facts(reply: T): readonly Fact[];
}

export type Fact = readonly [key: MatchKey, value: string | null, field: string];

type Handled = 'ok' | 'duplicate' | 'bad' | 'outside';

export function groupDiscoverySource<T>(spec: GroupDiscovery<T>): DiscoverySource {
  // One reply per host per scan: a device answers both probes, repeated probes, and a reply to the group
  // reaches every socket listening there. Keyed by the scan's signal, which every context of a scan shares.
  const answered = new WeakMap<AbortSignal, Set<string>>();
  const answeredIn = (ctx: SourceContext): Set<string> => {
    let set = answered.get(ctx.signal);
    if (!set) answered.set(ctx.signal, (set = new Set()));
    return set;
  };

  const handle = (ctx: SourceContext, { data, from }: UdpReply): Handled => {
    const seen = answeredIn(ctx);
    if (seen.has(from)) return 'duplicate'; // unparsed: parsing is most of the CPU a reply costs
    let reply: T;
    try {
      reply = spec.parse(data);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      ctx.drop(`${spec.protocol} from ${from}: ${err.message}`);
      return 'bad';
    }
    if (!ctx.scope.allows(from)) {
      ctx.drop(`${spec.protocol} reply from ${from}, outside the targets`);
      return 'outside';
    }
    seen.add(from);
    for (const [key, value, field] of spec.facts(reply)) {
      if (value !== null) ctx.emit(key, from, value, `${spec.protocol} ${field}: ${value}`);
    }
    const stated = spec.statedIp(reply);
    if (stated !== null && stated !== from) {
      const note = ctx.scope.allows(stated) ? '' : ' (outside the targets: not probed)';
      ctx.emit(`${spec.id}.stated-ip`, from, stated, `${spec.protocol} reply from ${from} says the device's address is ${stated}${note}`);
    }
    return 'ok';
  };

  return {
    id: spec.id,
    summary: spec.summary,

    async run(ctx) {
      const ifaces = ctx.scope.multicastInterfaces;
      if (ifaces.length === 0) return { status: 'skipped', error: 'no local interface on the target subnets: multicast not sent (unicast probes still run)' };
      const results = await Promise.all(
        ifaces.map((iface) =>
          udpProbe(ctx.scope, {
            iface,
            to: spec.group,
            port: spec.port,
            payload: spec.probe(),
            listen: { group: spec.group, iface },
            repeat: 2,
            maxBytes: spec.maxBytes,
            timeoutMs: ctx.options.timeouts.multicastMs,
            signal: ctx.signal,
            onDrop: ctx.drop,
            onReply(reply) {
              if (handle(ctx, reply) === 'duplicate' && reply.via === 'socket') ctx.drop('duplicate');
            },
          }),
        ),
      );
      const failed = results.filter((r) => r.status !== 'ok');
      const errors = results.flatMap((r) => (r.error ? [r.error] : []));
      if (failed.length === results.length) return { status: failed[0]!.status, error: errors.join('; ') };
      return errors.length ? { status: 'ok', error: errors.join('; ') } : { status: 'ok' };
    },

    perHost: {
      trigger: 'live',
      // On the local segment the group probe, sent twice out of the host's interface, already asked it: a unicast
      // copy would repeat the question at the cost of a socket joined to the group (whose answers come back
      // there), for every live host. Unicast is for hosts beyond a router, which multicast does not reach.
      ignores: (ip, scope) => scope.onLink(ip) !== null,
      async probe(host, ctx): Promise<SourceOutcome> {
        if (answeredIn(ctx).has(host.ip)) return { status: 'ok' }; // answered already: asking again adds nothing
        let outcome = 'none' as 'none' | 'ok' | 'bad'; // cast: assigned in the reply callback
        const r = await udpProbe(ctx.scope, {
          to: host.ip,
          port: spec.port,
          payload: spec.probe(),
          maxBytes: spec.maxBytes,
          timeoutMs: ctx.options.timeouts.unicastMs,
          signal: ctx.signal,
          onDrop: ctx.drop,
          onReply(reply) {
            if (reply.from !== host.ip) {
              ctx.drop(`unicast reply from ${reply.from}, not ${host.ip}`);
              return;
            }
            const h = handle(ctx, reply);
            if (h === 'bad') outcome = 'bad';
            if (h !== 'ok' && h !== 'duplicate') return;
            outcome = 'ok';
            return true;
          },
        });
        if (r.status !== 'ok') return r.error ? { status: r.status, error: r.error } : { status: r.status };
        const status = outcome === 'ok' ? 'ok' : outcome === 'bad' ? 'protocol-error' : 'no-reply';
        return r.error ? { status, error: r.error } : { status };
      },
    },
  };
}
