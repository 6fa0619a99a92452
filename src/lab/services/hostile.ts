// The hostile lab's adversarial devices (topology.ts HostileService), on the ports real cameras use.
// HTTP on TCP 80, whatever the request:
//   tarpit          accepts, reads, never answers
//   drip            answers one byte every 250 ms, forever slower than any deadline
//   huge            a 20 MB SOAP response, streamed as fast as the client reads
//   xxe             a SOAP response whose DTD declares an external entity at `canaryUrl`
//   billion-laughs  a SOAP response with ten levels of nested entities
//   canary          no routes: every request is logged (as service `http`, 404) and must never happen
// WS-Discovery on UDP 3702 (multicast and unicast), to any datagram carrying a MessageID:
//   xxe / billion-laughs   a ProbeMatches reply carrying the attack
//   garbage                random, truncated, duplicated, misaddressed, invalid-UTF-8 and oversized datagrams
// Every connection and probe is logged with how long the scanner stayed and how much it took.

import { type Socket as UdpSocket, createSocket } from 'node:dgram';
import { createHash, randomUUID } from 'node:crypto';
import * as net from 'node:net';
import type { HostileService } from '../topology.js';
import { billionLaughs, benign, deviceInformationDoc, garbageDatagrams, hugeDocument, probeMatchesDoc, xxe } from '../payloads/hostile.js';
import { text } from '../xml.js';
import type { HttpRequest, ServiceContext, ServiceHandle } from './context.js';
import { WSD_GROUP, WSD_PORT, bind } from './ws-discovery.js';

export const HUGE_BYTES = 20 * 1024 * 1024;
const DRIP_MS = 250;
const SOAP_PATH = '/onvif/device_service';
const SOAP_CT = 'application/soap+xml; charset=utf-8';

type Closer = () => Promise<void>;

/** A raw TCP server for the modes that must not behave like HTTP at all. */
async function rawServer(ctx: ServiceContext, port: number, mode: 'tarpit' | 'drip'): Promise<{ port: number; close: Closer }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    const from = (sock.remoteAddress ?? '-').replace(/^::ffff:/, '');
    const t0 = Date.now();
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    ctx.log.write('hostile', from, `${mode}-accept`);
    sock.on('error', () => undefined);
    sock.on('data', () => {
      if (mode !== 'drip' || timer) return;
      const reply = `HTTP/1.1 200 OK\r\nContent-Type: ${SOAP_CT}\r\nContent-Length: 4096\r\n\r\n${benign(deviceInformationDoc()).padEnd(4096)}`;
      timer = setInterval(() => {
        if (sent < reply.length) sock.write(reply[sent++]!);
      }, DRIP_MS);
    });
    sock.on('close', () => {
      clearInterval(timer);
      sockets.delete(sock);
      ctx.log.write('hostile', from, `${mode}-closed`, { ms: Date.now() - t0, bytes: sent });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: ctx.bindIp }, () => resolve());
  });
  const close: Closer = () =>
    new Promise((resolve) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => resolve());
    });
  return { port: (server.address() as net.AddressInfo).port, close };
}

function streamHuge({ res, from }: HttpRequest, ctx: ServiceContext): void {
  const { head, filler, tail } = hugeDocument(deviceInformationDoc(), HUGE_BYTES);
  res.writeHead(200, { 'Content-Type': SOAP_CT, 'Content-Length': HUGE_BYTES });
  res.write(head);
  let left = filler;
  let sent = Buffer.byteLength(head);
  const chunk = Buffer.alloc(64 * 1024, 'A');
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      sent += piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    if (left === 0 && !res.destroyed) res.end(tail);
  };
  res.on('close', () => ctx.log.write('hostile', from, 'huge-closed', { bytes: sent, of: HUGE_BYTES }));
  pump();
}

async function startHttp(svc: HostileService, ctx: ServiceContext, port: number): Promise<{ port: number; close: Closer }> {
  const mode = svc.http!;
  if (mode === 'tarpit' || mode === 'drip') return rawServer(ctx, port, mode);
  const hub = await ctx.http(port);
  if (mode === 'canary') return { port: hub.port, close: async () => {} }; // the hub logs every request it gets
  hub.route(SOAP_PATH, (r) => {
    if (mode === 'huge') return streamHuge(r, ctx);
    const doc = mode === 'xxe' ? xxe(deviceInformationDoc(), svc.canaryUrl ?? 'http://198.18.0.0/') : billionLaughs(deviceInformationDoc());
    r.res.writeHead(200, { 'Content-Type': SOAP_CT, 'Content-Length': Buffer.byteLength(doc) });
    r.res.end(doc);
    ctx.log.write('hostile', r.from, mode, { status: 200 });
  });
  return { port: hub.port, close: async () => {} };
}

async function startWsd(svc: HostileService, ctx: ServiceContext, port: number): Promise<{ port: number; close: Closer }> {
  const mode = svc.wsDiscovery!;
  const endpoint = `uuid:${createHash('sha1').update(ctx.profile.mac).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/, '$1-$2-$3-$4-$5')}`;
  const xaddr = `http://${ctx.profile.ip}${SOAP_PATH}`;
  const unicast = createSocket({ type: 'udp4', reuseAddr: true });
  const sockets: UdpSocket[] = [unicast];
  await bind(unicast, port, ctx.bindIp);
  if (ctx.multicast) {
    const group = createSocket({ type: 'udp4', reuseAddr: true });
    sockets.push(group);
    await bind(group, unicast.address().port, WSD_GROUP);
    group.addMembership(WSD_GROUP, ctx.bindIp);
  }
  const answer = (buf: Buffer, from: string, sport: number, dst: string): void => {
    if (from === ctx.bindIp) return;
    const msgid = text(buf.toString('utf8'), 'MessageID');
    ctx.log.write('hostile', from, `wsd-${mode}`, { dst, msgid, bytes: buf.length });
    if (!msgid) return;
    const doc = probeMatchesDoc(msgid, endpoint, xaddr);
    const out =
      mode === 'garbage'
        ? garbageDatagrams(benign(doc), `uuid:${randomUUID()}`)
        : [Buffer.from(mode === 'xxe' ? xxe(doc, svc.canaryUrl ?? 'http://198.18.0.0/') : billionLaughs(doc))];
    for (const d of out) unicast.send(d, sport, from);
  };
  sockets.forEach((s, i) => {
    s.on('error', (err) => process.stderr.write(`hostile ws-discovery socket: ${String(err)}\n`));
    s.on('message', (buf, rinfo) => answer(buf, rinfo.address, rinfo.port, i === 0 ? 'unicast' : 'multicast'));
  });
  return { port: unicast.address().port, close: async () => void (await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))))) };
}

export async function startHostile(svc: HostileService, ctx: ServiceContext): Promise<ServiceHandle> {
  const closers: Closer[] = [];
  const ports: Record<string, number> = {};
  try {
    if (svc.http) {
      const h = await startHttp(svc, ctx, ctx.portOverride?.hostile ?? 80);
      ports.tcp = h.port;
      closers.push(h.close);
    }
    if (svc.wsDiscovery) {
      const w = await startWsd(svc, ctx, ctx.portOverride?.hostile ?? WSD_PORT);
      ports.udp = w.port;
      closers.push(w.close);
    }
  } catch (err) {
    await Promise.all(closers.map((c) => c()));
    throw err;
  }
  return { service: 'hostile', ports, close: async () => void (await Promise.all(closers.map((c) => c()))) };
}
