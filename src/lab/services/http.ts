// Simulated camera web UI (payloads/web.ts): the paths a flavour serves on the device's shared HTTP server
// (port 80 by default, next to the ONVIF service), and the same answers over HTTPS with the flavour's certificate.
// Every request is logged with whether it carried an Authorization header, so tests can prove a scanner never sent one.

import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LabError } from '../errors.js';
import { LAB_TLS } from '../payloads/tls.js';
import { WEB_PATHS, webAnswer } from '../payloads/web.js';
import type { HttpService } from '../topology.js';
import type { ServiceContext, ServiceHandle } from './context.js';

export const HTTP_DEFAULT_PORT = 80;
const MAX_BODY = 64 * 1024;

function required(svc: HttpService, device: string): void {
  if ((svc.flavour === 'hikvision' || svc.flavour === 'hanwha') && !svc.realm) throw new LabError(`${device}: ${svc.flavour} web server needs a realm`);
  if (svc.flavour === 'dahua' && !svc.serial) throw new LabError(`${device}: dahua web server needs a serial`);
  if (svc.tlsPort !== undefined && svc.flavour !== 'hikvision') throw new LabError(`${device}: only the hikvision web server has a certificate`);
}

export async function startHttp(svc: HttpService, ctx: ServiceContext): Promise<ServiceHandle> {
  required(svc, ctx.profile.name);
  const serve = (req: IncomingMessage, res: ServerResponse, body: Buffer, from: string, port: number): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? '-';
    const answer = webAnswer(svc, { mac: ctx.profile.mac }, { method, path, body: body.toString('utf8') }) ?? {
      status: 404,
      headers: { 'Content-Type': 'text/plain' },
      body: 'Not Found\n',
    };
    res.writeHead(answer.status, { ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
    ctx.log.write('http', from, method, { status: answer.status, path, port, authorization: req.headers.authorization ? 'present' : 'none', ...answer.note });
  };

  const plainPort = ctx.portOverride?.http ?? svc.port ?? HTTP_DEFAULT_PORT;
  const hub = await ctx.http(plainPort);
  for (const path of WEB_PATHS[svc.flavour]) hub.route(path, ({ req, res, body, from }) => serve(req, res, body, from, hub.port));

  let tls: Server | null = null;
  let tlsPort: number | undefined;
  if (svc.tlsPort !== undefined) {
    const server = createServer({ ...LAB_TLS.hikvision }, (req, res) => {
      const from = (req.socket.remoteAddress ?? '-').replace(/^::ffff:/, '');
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
      });
      req.on('error', () => undefined);
      req.on('end', () => serve(req, res, Buffer.concat(chunks), from, tlsPort ?? 0));
    });
    server.on('tlsClientError', () => undefined); // probes that drop the handshake are normal
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Loopback unit tests override the plain port; the TLS one then takes any free port.
      server.listen({ port: ctx.portOverride?.http !== undefined ? 0 : svc.tlsPort, host: ctx.bindIp }, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    tlsPort = typeof addr === 'object' && addr ? addr.port : svc.tlsPort;
    tls = server;
  }

  return {
    service: 'http',
    ports: { tcp: hub.port, ...(tlsPort !== undefined ? { tls: tlsPort } : {}) },
    close: async () => {
      if (!tls) return;
      const server = tls;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
