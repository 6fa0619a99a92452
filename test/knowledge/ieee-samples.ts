// IEEE registry CSVs for the `db update` tests: the real rows of test/fixtures/ieee (SOURCES.md), full-size
// files in the same layout generated from the installed oui-data, and a registry server on 127.0.0.1.
// Nothing here ever contacts standards-oui.ieee.org.
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { IEEE_HEADER, type IeeeRegistry } from '../../src/knowledge/ieee-csv.js';

export const fixture = (name: string): string => readFileSync(new URL(`../fixtures/ieee/${name}`, import.meta.url), 'utf8');

const LENGTH: Record<Exclude<IeeeRegistry, 'IAB'>, number> = { 'MA-L': 6, 'MA-M': 7, 'MA-S': 9 };

function cell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The oui-data 2.1.9 assignments of one registry as the IEEE publishes them (`Registry,Assignment,…`, CRLF):
 * oui-data's value is "Org\naddress lines…\ncountry", which the CSV writes as one address field.
 */
export function ouiDataCsv(registry: Exclude<IeeeRegistry, 'IAB'>, opts: { omit?: ReadonlySet<string>; extra?: readonly string[] } = {}): string {
  const data = createRequire(import.meta.url)('oui-data') as Record<string, string>;
  const rows = [IEEE_HEADER.join(',')];
  for (const [key, value] of Object.entries(data)) {
    if (key.length !== LENGTH[registry] || opts.omit?.has(key)) continue;
    const [org, ...address] = value.split('\n');
    rows.push([registry, key, cell(org!.trim()), cell(address.join(' '))].join(','));
  }
  rows.push(...(opts.extra ?? []));
  return `${rows.join('\r\n')}\r\n`;
}

export type Route = string | ((res: ServerResponse) => void);

export interface RegistryServer {
  readonly base: string;
  readonly requests: string[];
  routes: Record<string, Route>;
  close(): Promise<void>;
}

/** Serves `routes` (path → body, or a handler for misbehaviour) on 127.0.0.1; anything else is a 404. */
export async function serveRegistry(routes: Record<string, Route>): Promise<RegistryServer> {
  const requests: string[] = [];
  const state = { routes };
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const route = state.routes[req.url ?? ''];
    if (route === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    if (typeof route === 'function') return route(res);
    res.writeHead(200, { 'content-type': 'text/csv', 'last-modified': 'Tue, 01 Dec 2026 04:45:00 GMT' }).end(route);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    get routes() {
      return state.routes;
    },
    set routes(r) {
      state.routes = r;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A response that promises `body` but the connection drops halfway, as a broken download does. */
export function cutShort(body: string): (res: ServerResponse) => void {
  const bytes = Buffer.from(body);
  return (res) => {
    res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(bytes.length) });
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
  };
}

/** The four paths of a registry server, with their bodies. */
export function registryRoutes(files: { 'MA-L': Route; 'MA-M': Route; 'MA-S': Route; IAB: Route }): Record<string, Route> {
  return { '/oui/oui.csv': files['MA-L'], '/oui28/mam.csv': files['MA-M'], '/oui36/oui36.csv': files['MA-S'], '/iab/iab.csv': files.IAB };
}
