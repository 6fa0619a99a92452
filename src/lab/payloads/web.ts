// What each simulated camera web server answers before login, by vendor family. Modelled on:
//   hikvision  Server App-webs/ (nmap-service-probes "Hikvision IP camera httpd"); GET / sends the browser to
//              /doc/page/login.asp with a script (research §3.5); ISAPI resources refuse with
//              `Digest qop="auth", realm="IP Camera(…)", nonce, stale="FALSE"` and an empty Server header (the
//              ISAPI 401 in research §3.5). Error pages use the GoAhead "Document Error: …" wording Greenbone's
//              Hikvision detection looks for; their exact bodies were not captured.
//   dahua      no Server header at all; the login page carries Greenbone's markers (title WEB SERVICE, the
//              ui-dialog-content class, "method":"global.login" posted to /RPC2_Login); POST /RPC2_Login answers
//              a first-stage global.login with the "login challenge" of the real capture (error 268632079, the
//              device MAC, realm "Login to <serial>").
//   hanwha     every resource refused with `Digest realm="iPolis", nonce, qop="auth"` (Greenbone's Samsung
//              iPolis check).
//   bosch      Server VCS-VideoJet-Webserver (lift "Bosch AutoDome Camera"); the page itself was not captured.
// Nothing here checks credentials: the lab never grants access, it only shows what a prober can see.

import { randomBytes, randomInt } from 'node:crypto';
import type { HttpService, WebFlavour } from '../topology.js';

export interface WebRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

export interface WebAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Extra fields for the request log. */
  readonly note?: Readonly<Record<string, string>>;
}

export interface WebDevice {
  readonly mac: string;
}

export const DEFAULT_SERVER: Readonly<Record<WebFlavour, string | null>> = {
  hikvision: 'App-webs/',
  dahua: null,
  hanwha: null,
  bosch: 'VCS-VideoJet-Webserver',
};

/** Paths each flavour serves itself; anything else is the device's own 404. */
export const WEB_PATHS: Readonly<Record<WebFlavour, readonly string[]>> = {
  hikvision: ['/', '/doc/page/login.asp', '/ISAPI/Security/userCheck', '/ISAPI/System/deviceInfo', '/RPC2_Login'],
  dahua: ['/', '/RPC2_Login', '/ISAPI/Security/userCheck'],
  hanwha: ['/', '/ISAPI/Security/userCheck', '/RPC2_Login'],
  bosch: ['/', '/ISAPI/Security/userCheck', '/RPC2_Login'],
};

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const HTML: Readonly<Record<string, string>> = { 'Content-Type': 'text/html' };

const HIK_INDEX =
  '<!DOCTYPE html>\n<html><head><meta http-equiv="X-UA-Compatible" content="IE=edge"><title>index</title></head>\n' +
  '<body><script type="text/javascript">window.location.href = "/doc/page/login.asp?_" + (new Date()).getTime();</script></body></html>';

const HIK_LOGIN = '<!DOCTYPE html>\n<html><head><title></title></head>\n<body><div id="login"></div></body></html>';

const goAheadError = (status: string, detail: string): string =>
  `<html><head><title>Document Error: ${status}</title></head>\r\n<body><h2>Access Error: ${detail}</h2>\r\n</body></html>`;

const DAHUA_LOGIN =
  '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>WEB SERVICE</title></head>\n' +
  '<body><div class="ui-dialog-content"><input id="login_user" type="text"><input id="login_psw" type="password"></div>\n' +
  '<script>function login(u, p) { return post("/RPC2_Login", {"method":"global.login","params":{"userName":u,"password":p,"clientType":"Web3.0"}}); }</script>\n' +
  '</body></html>';

interface LoginRequest {
  readonly method: string;
  readonly id: number;
  readonly userName: string;
  readonly password: string;
}

function loginRequest(body: string): LoginRequest | null {
  try {
    const doc = JSON.parse(body) as { method?: unknown; id?: unknown; params?: { userName?: unknown; password?: unknown } };
    return {
      method: typeof doc.method === 'string' ? doc.method : '',
      id: typeof doc.id === 'number' ? doc.id : 0,
      userName: typeof doc.params?.userName === 'string' ? doc.params.userName : '',
      password: typeof doc.params?.password === 'string' ? doc.params.password : '',
    };
  } catch {
    return null;
  }
}

function dahuaRpc2(svc: HttpService, dev: WebDevice, body: string): WebAnswer {
  const login = loginRequest(body);
  const json = { 'Content-Type': 'application/json' };
  if (!login || login.method !== 'global.login') return { status: 200, headers: json, body: JSON.stringify({ id: login?.id ?? 0, result: false }), note: { rpc: 'rejected' } };
  const challenge = {
    error: { code: 268632079, message: 'Component error: login challenge!' },
    id: login.id,
    params: {
      authorization: hex(20),
      encryption: 'Default',
      mac: dev.mac.replace(/:/g, '').toUpperCase(),
      random: String(randomInt(1_000_000, 9_999_999)),
      realm: `Login to ${svc.serial ?? ''}`,
    },
    result: false,
    session: randomInt(1, 2 ** 31 - 1),
  };
  // The log says whether a user name or a password came with the login: a scanner must send neither.
  const note = { rpc: 'global.login', user: login.userName ? 'present' : 'empty', password: login.password ? 'present' : 'empty' };
  return { status: 200, headers: json, body: JSON.stringify(challenge), note };
}

/** The answer of a `svc` web server to one request, or null for its plain 404. */
export function webAnswer(svc: HttpService, dev: WebDevice, req: WebRequest): WebAnswer | null {
  const server = svc.server === undefined ? DEFAULT_SERVER[svc.flavour] : svc.server;
  const withServer = (h: Record<string, string>): Record<string, string> => (server ? { Server: server, ...h } : h);
  switch (svc.flavour) {
    case 'hikvision': {
      if (req.path.startsWith('/ISAPI/')) {
        const challenge = `Digest qop="auth", realm="${svc.realm ?? ''}", nonce="${hex(24)}", stale="FALSE"`;
        return { status: 401, headers: { Server: '', ...HTML, 'WWW-Authenticate': challenge }, body: goAheadError('Unauthorized', '401 -- Unauthorized') };
      }
      if (req.path === '/') return { status: 200, headers: withServer({ ...HTML }), body: HIK_INDEX };
      if (req.path === '/doc/page/login.asp') return { status: 200, headers: withServer({ ...HTML }), body: HIK_LOGIN };
      return { status: 404, headers: withServer({ ...HTML }), body: goAheadError('Not Found', '404 -- Not Found') };
    }
    case 'dahua':
      if (req.path === '/') return { status: 200, headers: withServer({ ...HTML }), body: DAHUA_LOGIN };
      if (req.path === '/RPC2_Login' && req.method === 'POST') return dahuaRpc2(svc, dev, req.body);
      return null;
    case 'hanwha':
      return {
        status: 401,
        headers: withServer({ ...HTML, 'WWW-Authenticate': `Digest realm="${svc.realm ?? ''}", nonce="${hex(16)}", qop="auth"` }),
        body: '',
      };
    case 'bosch':
      if (req.path === '/') return { status: 200, headers: withServer({ ...HTML }), body: '<html><head></head><body></body></html>' };
      return { status: 404, headers: withServer({ ...HTML }), body: '' };
  }
}
