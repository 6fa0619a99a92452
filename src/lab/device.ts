// One simulated device: runs every service of a DeviceProfile in one Node process.
//
// In a lab, netns.ts starts it inside the device's namespace:
//   ip netns exec <ns> node dist/lab/device.js <runtime-config.json>
// and waits for the line `ready` on stdout (printed once every service listens). Diagnostics go to stderr.
// SIGTERM/SIGINT close the services and exit 0.
//
// runDevice() is also usable in-process (e.g. on 127.0.0.1 with port overrides) for tests that need no namespace.

import { type Server, createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { RequestLog } from './log.js';
import { SERVICES, SERVICE_ORDER, type HttpHub, type HttpRequest, type ServiceContext, type ServiceHandle, type ServiceName } from './services/index.js';
import type { DeviceProfile } from './topology.js';

/** The JSON file a device process is started with. */
export interface DeviceRuntimeConfig {
  readonly profile: DeviceProfile;
  /** Prefix length of the device's segment. */
  readonly prefixLength: number;
  /** Request log (one line per request; see log.ts). */
  readonly logFile: string;
  /** Defaults to profile.ip. */
  readonly bindIp?: string;
  /** Join the discovery multicast groups; default true. */
  readonly multicast?: boolean;
  readonly portOverride?: Partial<Record<ServiceName, number>>;
}

export interface RunningDevice {
  readonly handles: readonly ServiceHandle[];
  close(): Promise<void>;
}

const MAX_BODY = 256 * 1024;

function stripMapped(addr: string | undefined): string {
  return (addr ?? '-').replace(/^::ffff:/, '');
}

export async function runDevice(cfg: DeviceRuntimeConfig): Promise<RunningDevice> {
  const log = new RequestLog(cfg.logFile);
  const bindIp = cfg.bindIp ?? cfg.profile.ip;
  const servers = new Map<number, { server: Server; hub: HttpHub }>();

  const httpHub = async (port: number): Promise<HttpHub> => {
    const existing = servers.get(port);
    if (existing) return existing.hub;
    const routes = new Map<string, (r: HttpRequest) => void>();
    const server = createServer((req, res) => {
      const from = stripMapped(req.socket.remoteAddress);
      const chunks: Buffer[] = [];
      let size = 0;
      let tooBig = false;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) tooBig = true;
        else chunks.push(c);
      });
      req.on('error', () => undefined);
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        if (tooBig) {
          res.writeHead(413, { Connection: 'close', 'Content-Length': 0 });
          res.end();
          log.write('http', from, req.method ?? '-', { status: 413, path, bytes: size });
          return;
        }
        const handler = routes.get(path);
        if (!handler) {
          res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 10 });
          res.end('Not Found\n');
          log.write('http', from, req.method ?? '-', { status: 404, path, authorization: req.headers.authorization ? 'present' : 'none' });
          return;
        }
        try {
          handler({ req, res, body: Buffer.concat(chunks), from });
        } catch (err) {
          process.stderr.write(`handler ${path}: ${String(err)}\n`);
          if (!res.headersSent) res.writeHead(500, { 'Content-Length': 0 });
          res.end();
          log.write('http', from, req.method ?? '-', { status: 500, path, error: 'handler-crashed' });
        }
      });
    });
    server.on('clientError', (_err, socket) => {
      log.write('http', stripMapped((socket as { remoteAddress?: string }).remoteAddress), 'bad-request', { status: 400 });
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: bindIp }, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    const hub: HttpHub = {
      port: typeof addr === 'object' && addr ? addr.port : port,
      route: (path, handler) => {
        routes.set(path, handler);
      },
    };
    servers.set(port, { server, hub });
    return hub;
  };

  const ctx: ServiceContext = {
    profile: cfg.profile,
    prefixLength: cfg.prefixLength,
    bindIp,
    log,
    multicast: cfg.multicast ?? true,
    ...(cfg.portOverride ? { portOverride: cfg.portOverride } : {}),
    bootTime: new Date(),
    http: httpHub,
  };

  const handles: ServiceHandle[] = [];
  const close = async (): Promise<void> => {
    await Promise.allSettled(handles.map((h) => h.close()));
    await Promise.allSettled(
      [...servers.values()].map(
        ({ server }) =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      ),
    );
  };
  const present = Object.keys(cfg.profile.services) as ServiceName[];
  const order = [...SERVICE_ORDER.filter((s) => present.includes(s)), ...present.filter((s) => !SERVICE_ORDER.includes(s))];
  try {
    for (const name of order) {
      const svc = cfg.profile.services[name];
      if (!svc) continue;
      const start = SERVICES[name] as (s: typeof svc, c: ServiceContext) => Promise<ServiceHandle>;
      handles.push(await start(svc, ctx));
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { handles, close };
}

async function main(argv: readonly string[]): Promise<void> {
  const file = argv[2];
  if (!file) {
    process.stderr.write('usage: device.js <runtime-config.json>\n');
    process.exit(2);
  }
  const cfg = JSON.parse(readFileSync(file, 'utf8')) as DeviceRuntimeConfig;
  const device = await runDevice(cfg);
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    const hard = setTimeout(() => process.exit(0), 1000);
    hard.unref();
    void device.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // If the process that started the lab dies without cleaning up, we get re-parented: exit rather than linger.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown();
  }, 500).unref();
  process.stdout.write('ready\n');
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  main(process.argv).catch((err: unknown) => {
    process.stderr.write(`device failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
