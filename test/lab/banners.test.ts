// The simulated web and RTSP servers, in-process on 127.0.0.1 (no namespaces, no root): they answer as the
// real firmware they are modelled on, camaudit's own parsers and vendor-db fingerprints recognise them, and
// the request log tells requests with credentials from requests without.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatchKey } from '../../src/core/types.js';
import { matchValue } from '../../src/identify/fingerprint.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { type RunningDevice, runDevice } from '../../src/lab/device.js';
import { readLogFile } from '../../src/lab/log.js';
import { hikvisionDate } from '../../src/lab/payloads/rtsp.js';
import { nextRequest } from '../../src/lab/services/rtsp.js';
import { type DeviceProfile, defaultLab } from '../../src/lab/topology.js';
import { parseTargets } from '../../src/core/targets.js';
import { httpRequest, type HttpResponse } from '../../src/net/http.js';
import { createScope } from '../../src/net/scope.js';
import { tcpExchange } from '../../src/net/tcp-exchange.js';
import { challengeBanner, htmlTitle, pagePaths, parseChallenges, parseRpc2Challenge, xmlRootNamespace } from '../../src/protocols/http-banner.js';
import { buildRtspRequest, parseRtspResponse, rtspResponseComplete } from '../../src/protocols/rtsp.js';
import { RPC2_FIRST_STAGE } from '../../src/sources/http.js';

const k = loadKnowledge();
const scope = createScope(parseTargets(['127.0.0.1/32']), []);
const lab = defaultLab();
const profile = (name: string): DeviceProfile => lab.devices.find((d) => d.name === name)!;
const dir = mkdtempSync(join(tmpdir(), 'camaudit-banners-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What vendor-db concludes from one observed value. */
const fields = (key: MatchKey, value: string) => matchValue(key, value, k)?.fields ?? null;

interface Running {
  dev: RunningDevice;
  http: number;
  tls?: number;
  rtsp?: number;
  log: () => ReturnType<typeof readLogFile>;
}

async function start(name: string): Promise<Running> {
  const p = profile(name);
  const logFile = join(dir, `${name}.log`);
  const services = { ...(p.services.http ? { http: p.services.http } : {}), ...(p.services.rtsp ? { rtsp: p.services.rtsp } : {}) };
  const dev = await runDevice({
    profile: { ...p, services },
    prefixLength: 24,
    logFile,
    bindIp: '127.0.0.1',
    multicast: false,
    portOverride: { http: 0, rtsp: 0 },
  });
  const http = dev.handles.find((h) => h.service === 'http')?.ports;
  const rtsp = dev.handles.find((h) => h.service === 'rtsp')?.ports.tcp;
  return { dev, http: http?.tcp ?? 0, ...(http?.tls ? { tls: http.tls } : {}), ...(rtsp ? { rtsp } : {}), log: () => readLogFile(logFile, name) };
}

async function get(port: number, path: string, opts: { tls?: boolean; body?: string; headers?: Record<string, string> } = {}): Promise<HttpResponse> {
  const r = await httpRequest(scope, {
    ip: '127.0.0.1',
    port,
    path,
    tls: opts.tls ?? false,
    ...(opts.body === undefined ? {} : { body: opts.body, method: 'POST' as const }),
    ...(opts.headers ? { headers: opts.headers } : {}),
    totalMs: 3000,
  });
  if (r.status !== 'ok') throw new Error(`${path}: ${r.status} ${r.error}`);
  return r.response;
}

async function rtsp(port: number, method: 'OPTIONS' | 'DESCRIBE', cseq: number) {
  const r = await tcpExchange(scope, { ip: '127.0.0.1', port, request: buildRtspRequest(method, `rtsp://127.0.0.1:${port}/`, cseq), totalMs: 3000, complete: rtspResponseComplete });
  if (r.status !== 'ok') throw new Error(`${method}: ${r.status} ${r.error}`);
  return parseRtspResponse(r.data);
}

const banners = (header: string | undefined) => parseChallenges(header ?? '').map(challengeBanner);

describe('Hikvision web and RTSP servers (hik-banner)', () => {
  let d: Running;
  beforeAll(async () => {
    d = await start('hik-banner');
  });
  afterAll(() => d.dev.close());

  it('GET / names App-webs/ and sends the browser to /doc/page/login.asp', async () => {
    const r = await get(d.http, '/');
    expect(r.statusCode).toBe(200);
    expect(fields('http.server', r.headers.server!)).toMatchObject({ 'hw.vendor': 'hikvision' });
    const body = r.body.toString('utf8');
    expect(pagePaths(body)).toEqual(['/doc/page/login.asp']);
    expect(htmlTitle(body)).toBe('index');
    expect(fields('http.page-path', '/doc/page/login.asp')).toEqual({ 'hw.vendor': 'hikvision' });
  });

  it('ISAPI refuses with the realm of the real 401, and an empty Server header', async () => {
    const r = await get(d.http, '/ISAPI/Security/userCheck');
    expect(r.statusCode).toBe(401);
    expect(r.headers.server).toBe('');
    expect(banners(r.headers['www-authenticate'])).toEqual(['Digest realm="IP Camera(C2875)"']);
    expect(fields('http.www-authenticate', 'Digest realm="IP Camera(C2875)"')).toEqual({ 'hw.vendor': 'hikvision' });
    expect(xmlRootNamespace(r.body.toString('utf8'))).toBeNull();
  });

  it('presents the HIKVISION certificate on its TLS port', async () => {
    const r = await get(d.tls!, '/', { tls: true });
    expect(r.peerCertificate?.subject).toBe('C=CN,ST=ZheJiang,L=HangZhou,O=HIKVISION,OU=DVRNVR,CN=www.hikvision.com');
    expect(fields('tls.subject', r.peerCertificate!.subject)).toEqual({ 'hw.vendor': 'hikvision' });
  });

  it('RTSP: OPTIONS 200 without a Server header, DESCRIBE 401 with the realm', async () => {
    const options = await rtsp(d.rtsp!, 'OPTIONS', 1);
    expect(options).toMatchObject({ status: 200, headers: { cseq: ['1'] } });
    expect(options.headers.server).toBeUndefined();
    expect(options.headers.date![0]).toMatch(/^[A-Z][a-z]{2}, [A-Z][a-z]{2} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const describe = await rtsp(d.rtsp!, 'DESCRIBE', 2);
    expect(describe.status).toBe(401);
    expect(describe.headers['www-authenticate']!.flatMap(banners)).toEqual(['Digest realm="IP Camera(C2875)"']);
  });

  it('logs every request, with whether it carried credentials', async () => {
    await get(d.http, '/', { headers: { authorization: 'Basic YWRtaW46MTIzNDU=' } });
    const http = d.log().filter((r) => r.service === 'http');
    expect(http.filter((r) => r.detail.authorization === 'present')).toHaveLength(1);
    expect(http.filter((r) => r.detail.authorization === 'none').length).toBeGreaterThanOrEqual(3);
    expect(d.log().filter((r) => r.service === 'rtsp').map((r) => [r.operation, r.detail.status, r.detail.authorization])).toEqual([
      ['OPTIONS', '200', 'none'],
      ['DESCRIBE', '401', 'none'],
    ]);
  });
});

describe('Dahua web and RTSP servers (dahua-web-routed)', () => {
  let d: Running;
  beforeAll(async () => {
    d = await start('dahua-web-routed');
  });
  afterAll(() => d.dev.close());

  it('GET /: no Server header, the WEB SERVICE login page posting to /RPC2_Login', async () => {
    const r = await get(d.http, '/');
    expect(r.headers.server).toBeUndefined();
    const body = r.body.toString('utf8');
    expect(htmlTitle(body)).toBe('WEB SERVICE');
    expect(pagePaths(body)).toContain('/RPC2_Login');
  });

  it('answers an empty first-stage global.login with the login challenge: its MAC and serial', async () => {
    const r = await get(d.http, '/RPC2_Login', { body: RPC2_FIRST_STAGE });
    const challenge = parseRpc2Challenge(r.body.toString('utf8'));
    expect(challenge).toMatchObject({ mac: profile('dahua-web-routed').mac, realm: 'Login to 4M0747EPAA1D285', errorCode: 268632079 });
    expect(fields('http.rpc2-login', challenge!.realm!)).toEqual({ 'hw.vendor': 'dahua', 'hw.serial': '4M0747EPAA1D285' });
    const rec = d.log().find((x) => x.detail.path === '/RPC2_Login')!;
    expect(rec.detail).toMatchObject({ rpc: 'global.login', user: 'empty', password: 'empty', authorization: 'none' });
    await get(d.http, '/RPC2_Login', { body: JSON.stringify({ method: 'global.login', params: { userName: 'admin', password: 'x' }, id: 2 }) });
    expect(d.log().filter((x) => x.detail.path === '/RPC2_Login').at(-1)!.detail).toMatchObject({ user: 'present', password: 'present' });
  });

  it('RTSP refuses even OPTIONS with the serial realm, and answers pipelined requests in order', async () => {
    const r = await rtsp(d.rtsp!, 'OPTIONS', 7);
    expect(r).toMatchObject({ status: 401, headers: { cseq: ['7'] } });
    expect(r.headers['www-authenticate']!.flatMap(banners)).toEqual(['Digest realm="Login to 4M0747EPAA1D285"']);
    const two = `${buildRtspRequest('OPTIONS', 'rtsp://x/', 1)}${buildRtspRequest('DESCRIBE', 'rtsp://x/', 2)}`;
    const res = await tcpExchange(scope, {
      ip: '127.0.0.1', port: d.rtsp!, request: two, totalMs: 3000, complete: (b) => (b.toString('latin1').match(/\r\n\r\n/g) ?? []).length >= 2,
    });
    expect(res.status === 'ok' && res.data.toString('latin1').match(/CSeq: \d/g)).toEqual(['CSeq: 1', 'CSeq: 2']);
  });
});

describe.each([
  ['hanwha-cam', 'http.www-authenticate', 'hanwha'],
  ['bosch-cam', 'http.server', 'bosch'],
] as const)('%s web server', (name, key, vendor) => {
  it(`is recognised as ${vendor} by its ${key}`, async () => {
    const d = await start(name);
    try {
      const r = await get(d.http, '/');
      const value = key === 'http.server' ? r.headers.server! : banners(r.headers['www-authenticate'])[0]!;
      expect(fields(key, value)).toMatchObject({ 'hw.vendor': vendor });
    } finally {
      await d.dev.close();
    }
  });
});

describe('the ANNKE relabel and the EZVIZ camera', () => {
  it('ANNKE: the Server header says the brand, the ISAPI realm says Hikvision firmware', async () => {
    const d = await start('annke-relabel');
    try {
      expect(fields('http.server', (await get(d.http, '/')).headers.server!)).toMatchObject({ 'hw.brand': 'annke' });
      const realm = banners((await get(d.http, '/ISAPI/Security/userCheck')).headers['www-authenticate'])[0]!;
      expect(fields('http.www-authenticate', realm)).toEqual({ 'hw.vendor': 'hikvision' });
    } finally {
      await d.dev.close();
    }
  });

  it('EZVIZ: RTSP answers name no vendor', async () => {
    const d = await start('ezviz-cam');
    try {
      const options = await rtsp(d.rtsp!, 'OPTIONS', 1);
      const describe = await rtsp(d.rtsp!, 'DESCRIBE', 2);
      expect(options.headers.server).toBeUndefined();
      const realms = describe.headers['www-authenticate']!.flatMap(banners);
      expect(realms).toEqual(['Basic realm="/"']);
      expect(fields('rtsp.www-authenticate', realms[0]!)).toBeNull();
    } finally {
      await d.dev.close();
    }
  });
});

describe('the lab RTSP request reader', () => {
  it('waits for a whole head, skips bodies, refuses garbage and floods', () => {
    expect(nextRequest(Buffer.from('OPTIONS rtsp://x/ RTSP/1.0\r\nCSeq: 3'))).toBeNull();
    expect(nextRequest(Buffer.from('OPTIONS rtsp://x/ RTSP/1.0\r\nCSeq: 3\r\nAuthorization: Basic eA==\r\n\r\n'))).toMatchObject({ method: 'OPTIONS', cseq: '3', authorization: true });
    expect(nextRequest(Buffer.from('ANNOUNCE rtsp://x/ RTSP/1.0\r\nContent-Length: 4\r\n\r\nv=0'))).toBeNull();
    const announce = 'ANNOUNCE rtsp://x/ RTSP/1.0\r\nContent-Length: 4\r\n\r\nv=0\n';
    expect(nextRequest(Buffer.from(`${announce}OPTIONS`))).toMatchObject({ length: announce.length });
    expect(nextRequest(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toBe('bad');
    expect(nextRequest(Buffer.alloc(20_000, 0x41))).toBe('bad');
    expect(nextRequest(Buffer.from('OPTIONS rtsp://x/ RTSP/1.0\r\nCSeq: 1e9\r\n\r\n'))).toMatchObject({ cseq: '0' });
  });

  it("writes Hikvision's RTSP date format", () => {
    expect(hikvisionDate(new Date(Date.UTC(2020, 4, 14, 16, 45, 35)))).toBe('Thu, May 14 2020 16:45:35 GMT');
  });
});
