// The responder side of a vendor discovery protocol (SADP, DHIP): one socket on the device address for unicast
// probes, which also sends every reply, and one bound to the discovery group. A reply goes to the group or back
// to the prober, as the profile says (real Hikvision and some Dahua firmware answer to the group). On loopback
// (unit tests, no multicast) it always goes back to the prober.

import { type RemoteInfo, createSocket, type Socket } from 'node:dgram';
import type { DiscoveryReplyTo, LabRoute } from '../topology.js';
import type { ServiceContext, ServiceHandle, ServiceName } from './context.js';
import { bind } from './ws-discovery.js';

/** The addressing a discovery reply states about the device. */
export interface DeviceAddressing {
  readonly mac: string;
  readonly ip: string;
  readonly netmask: string;
  readonly gateway: string;
}

export interface Answer {
  /** What the datagram was, for the log (`Probe`, `DHDiscover.search`, `malformed`…). */
  readonly op: string;
  /** Null: ignored (the log says why in `detail.reply`). */
  readonly reply: Buffer | null;
  readonly detail?: Readonly<Record<string, string>>;
}

export interface Responder {
  readonly service: ServiceName;
  readonly group: string;
  readonly port: number;
  readonly replyTo: DiscoveryReplyTo;
  answer(datagram: Buffer, device: DeviceAddressing): Answer;
}

function netmask(prefix: number): string {
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [m >>> 24, (m >>> 16) & 255, (m >>> 8) & 255, m & 255].join('.');
}

function gateway(routes: readonly LabRoute[] | undefined): string {
  return routes?.find((r) => r.to === 'default')?.via ?? '0.0.0.0';
}

export async function startResponder(r: Responder, ctx: ServiceContext): Promise<ServiceHandle> {
  const p = ctx.profile;
  const device: DeviceAddressing = { mac: p.mac, ip: p.ip, netmask: netmask(ctx.prefixLength), gateway: gateway(p.routes) };
  const toGroup = r.replyTo === 'group' && ctx.multicast;
  const unicast = createSocket({ type: 'udp4', reuseAddr: true });
  const sockets: Socket[] = [unicast];
  try {
    await bind(unicast, ctx.portOverride?.[r.service] ?? r.port, ctx.bindIp);
    if (ctx.multicast) {
      unicast.setMulticastInterface(ctx.bindIp);
      unicast.setMulticastTTL(1);
      unicast.setMulticastLoopback(false);
      const multicast = createSocket({ type: 'udp4', reuseAddr: true });
      sockets.push(multicast);
      await bind(multicast, unicast.address().port, r.group);
      multicast.addMembership(r.group, ctx.bindIp);
      multicast.on('message', (buf, rinfo) => onMessage(buf, rinfo, 'multicast'));
    }
    unicast.on('message', (buf, rinfo) => onMessage(buf, rinfo, 'unicast'));
    for (const s of sockets) s.on('error', (err) => process.stderr.write(`${r.service} socket error: ${String(err)}\n`));
  } catch (err) {
    for (const s of sockets) s.close();
    throw err;
  }
  const port = unicast.address().port;

  function onMessage(buf: Buffer, rinfo: RemoteInfo, dst: 'multicast' | 'unicast'): void {
    if (rinfo.address === ctx.bindIp && rinfo.port === port) return; // our own traffic
    const a = r.answer(buf, device);
    const base = { dst, sport: rinfo.port, bytes: buf.length, ...a.detail };
    if (!a.reply) {
      ctx.log.write(r.service, rinfo.address, a.op, { ...base, reply: 'ignored' });
      return;
    }
    const [to, toPort] = toGroup ? [r.group, port] : [rinfo.address, rinfo.port];
    unicast.send(a.reply, toPort, to, (err) => {
      const outcome = err ? `error:${(err as NodeJS.ErrnoException).code ?? err.message}` : 'sent';
      ctx.log.write(r.service, rinfo.address, a.op, { ...base, reply: outcome, to: toGroup ? 'group' : 'sender' });
    });
  }

  return {
    service: r.service,
    ports: { udp: port },
    close: async () => {
      await Promise.all(sockets.map((s) => new Promise<void>((res) => s.close(() => res()))));
    },
  };
}
