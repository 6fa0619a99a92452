// Source `http`: what a host's web server says before anyone logs in. Never sends credentials.
// Sends, per live host (at most 5 requests, each with connect/idle/total deadlines and a 64 KiB cap):
//   1. GET / on 80, 443 (TLS) and 8080, concurrently: Server, WWW-Authenticate realm, <title>, the paths the
//      page references or redirects to, and on 443 the certificate's subject and issuer;
//   2. on the first of those ports that answered, concurrently:
//      GET /ISAPI/Security/userCheck (Hikvision's cheapest ISAPI resource: refused without credentials, with
//        its realm, or an XML body in Hikvision's namespace), and
//      POST /RPC2_Login with global.login and an EMPTY user name and password: Dahua's first login stage, which
//        answers with a "login challenge" naming the realm (its serial) and the MAC. No password is ever sent,
//        so no account can be locked; the exchange is the one Greenbone's detection documents.
// Ports: 80 and 443 carry every camera's web UI; 8080 is the common alternative. 8000 and 8443 are left out: on
// Hikvision they carry the binary SDK protocol, not HTTP. Pure parsing: src/protocols/http-banner.ts.
import type { MatchKey } from '../core/types.js';
import { httpRequest, type HttpResponse, type HttpResult } from '../net/http.js';
import { challengeBanner, htmlTitle, pagePaths, parseChallenges, parseRpc2Challenge, printable, urlPath, xmlRootNamespace } from '../protocols/http-banner.js';
import type { DiscoverySource, HostView, SourceContext, SourceOutcome } from './types.js';

interface WebPort {
  readonly port: number;
  readonly tls: boolean;
}

export const WEB_PORTS: readonly WebPort[] = [
  { port: 80, tls: false },
  { port: 443, tls: true },
  { port: 8080, tls: false },
];

export const RPC2_FIRST_STAGE = JSON.stringify({
  method: 'global.login',
  params: { userName: '', password: '', clientType: 'Web3.0', loginType: 'Direct' },
  id: 1,
});

// Titles, challenges and login-page paths sit in the first kilobytes; five of these stay inside a host's
// byte budget for the scan (src/net/pace.ts).
const MAX_BANNER_BYTES = 64 * 1024;

type Emitter = (key: MatchKey, value: string, detail: string) => void;

/** One emitter per host: the same fact seen on two ports or by two requests is kept once. */
function dedupedEmitter(ctx: SourceContext, ip: string): Emitter {
  const seen = new Set<string>();
  return (key, value, detail) => {
    const id = `${key}\0${value}`;
    if (value === '' || seen.has(id)) return;
    seen.add(id);
    ctx.emit(key, ip, value, detail);
  };
}

function request(ctx: SourceContext, ip: string, wp: WebPort, method: 'GET' | 'POST', path: string, body?: string): Promise<HttpResult> {
  return httpRequest(ctx.scope, {
    ip,
    port: wp.port,
    path,
    method,
    tls: wp.tls,
    ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
    totalMs: ctx.options.timeouts.tcpMs * 3,
    connectMs: ctx.options.timeouts.tcpMs,
    maxBytes: MAX_BANNER_BYTES,
    signal: ctx.signal,
  });
}

/** Facts every answer carries: the Server header and the realms of its challenges. */
function headerFacts(emit: Emitter, r: HttpResponse, where: string): void {
  const server = printable(r.headers.server ?? '');
  if (server) emit('http.server', server, `${where}: Server "${server}"`);
  for (const c of parseChallenges(r.headers['www-authenticate'] ?? '')) {
    const banner = challengeBanner(c);
    if (banner) emit('http.www-authenticate', banner, `${where}: HTTP ${r.statusCode} with WWW-Authenticate ${banner}`);
  }
}

function rootFacts(emit: Emitter, r: HttpResponse, wp: WebPort): void {
  const where = `GET / on port ${wp.port}${wp.tls ? ' (TLS)' : ''}`;
  headerFacts(emit, r, where);
  const location = r.headers.location ? urlPath(r.headers.location) : null;
  if (location) emit('http.page-path', location, `${where}: HTTP ${r.statusCode} redirects to ${location}`);
  const html = r.body.toString('utf8');
  const title = htmlTitle(html);
  if (title) emit('http.title', title, `${where}: page title "${title}"`);
  for (const path of pagePaths(html)) emit('http.page-path', path, `${where}: the page references ${path}`);
  const cert = r.peerCertificate;
  if (cert?.subject) emit('tls.subject', printable(cert.subject, 1024), `TLS certificate on port ${wp.port}: subject ${cert.subject}`);
  if (cert?.issuer) emit('tls.issuer', printable(cert.issuer, 1024), `TLS certificate on port ${wp.port}: issuer ${cert.issuer}`);
}

function userCheckFacts(emit: Emitter, r: HttpResponse, wp: WebPort): void {
  const where = `GET /ISAPI/Security/userCheck on port ${wp.port}`;
  headerFacts(emit, r, where);
  const ns = xmlRootNamespace(r.body.toString('utf8'));
  if (ns) emit('http.xml-namespace', ns, `${where}: HTTP ${r.statusCode}, XML in namespace ${ns}`);
}

function rpc2Facts(emit: Emitter, r: HttpResponse, wp: WebPort): void {
  const where = `POST /RPC2_Login (global.login, empty user name and password) on port ${wp.port}`;
  headerFacts(emit, r, where);
  const challenge = parseRpc2Challenge(r.body.toString('utf8'));
  if (!challenge) return;
  if (challenge.realm) emit('http.rpc2-login', challenge.realm, `${where}: login challenge with realm "${challenge.realm}"`);
  if (challenge.mac) emit('http.mac', challenge.mac, `${where}: login challenge states MAC ${challenge.mac}`);
}

async function probe(host: HostView, ctx: SourceContext): Promise<SourceOutcome> {
  const emit = dedupedEmitter(ctx, host.ip);
  const roots = await Promise.all(WEB_PORTS.map((wp) => request(ctx, host.ip, wp, 'GET', '/')));
  let wp: WebPort | null = null;
  for (const [i, r] of roots.entries()) {
    if (r.status !== 'ok') continue;
    wp ??= WEB_PORTS[i]!;
    rootFacts(emit, r.response, WEB_PORTS[i]!);
  }
  if (!wp) return worst(roots);
  const [userCheck, rpc2] = await Promise.all([
    request(ctx, host.ip, wp, 'GET', '/ISAPI/Security/userCheck'),
    request(ctx, host.ip, wp, 'POST', '/RPC2_Login', RPC2_FIRST_STAGE),
  ]);
  if (userCheck.status === 'ok') userCheckFacts(emit, userCheck.response, wp);
  if (rpc2.status === 'ok') rpc2Facts(emit, rpc2.response, wp);
  return { status: 'ok' };
}

/** No web server answered: report the most telling failure (a timeout says more than a refusal). */
function worst(results: readonly HttpResult[]): SourceOutcome {
  const order = ['protocol-error', 'timeout', 'error', 'no-reply', 'refused', 'skipped'] as const;
  for (const status of order) {
    const hit = results.find((r) => r.status === status);
    if (hit && hit.status !== 'ok') return { status, error: hit.error };
  }
  return { status: 'no-reply' };
}

export const httpSource: DiscoverySource = {
  id: 'http',
  summary:
    'GET / on 80, 443 (TLS) and 8080; then GET /ISAPI/Security/userCheck and POST /RPC2_Login (global.login with an empty user name and password); never any credentials',
  perHost: { trigger: 'live', probe },
};
