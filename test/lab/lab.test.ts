// Integration test of the namespace lab (src/lab). Needs root, iproute2, iputils-ping and a built dist/
// (`npm test` builds first). Everything runs inside namespaces on 198.18.0.0/15 created by startLab().

import { readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, LabStartError, listNamespaces, startLab } from '../../src/lab/netns.js';
import { LAB_ONVIF_CREDENTIALS, LabConfigError, defaultLab, type LabTopology } from '../../src/lab/topology.js';
import { usernameTokenHeader } from '../../src/lab/services/onvif.js';
import { labNamespaces, processesMentioning } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const hasPing = spawnSync('ping', ['-V']).error === undefined;

/** WS-Discovery probe from the scanner: node -e PROBE <target> <source ip> <ms> [raw message]. Prints JSON. */
const PROBE = String.raw`
const dgram = require('dgram'), crypto = require('crypto');
const [target, source, ms, raw] = process.argv.slice(1);
const id = 'uuid:' + crypto.randomUUID();
const probe = raw || '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header><a:MessageID>' + id + '</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header><s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>';
const get = (x, n) => { const m = new RegExp('<(?:[\\w.-]+:)?' + n + '(?:\\s[^>]*)?>([^<]*)<').exec(x); return m ? m[1].trim() : null; };
const replies = [];
const s = dgram.createSocket('udp4');
s.on('message', (b, r) => { const x = b.toString(); replies.push({ from: r.address, port: r.port, relatesTo: get(x, 'RelatesTo'), address: get(x, 'Address'), xaddrs: get(x, 'XAddrs'), scopes: get(x, 'Scopes'), xml: x }); });
s.bind(0, source, () => {
  s.send(probe, 3702, target, (e) => { if (e) console.error('send error ' + e.code); });
  setTimeout(() => { s.close(); console.log(JSON.stringify({ id, replies })); }, Number(ms));
});`;

/** SOAP POST from the scanner: node -e SOAP <url> <body>. Prints JSON {status, body}. */
const SOAP = String.raw`
const http = require('http');
const [url, body] = process.argv.slice(1);
const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/soap+xml; charset=utf-8', 'Content-Length': Buffer.byteLength(body) }, timeout: 3000 }, (res) => {
  let data = ''; res.setEncoding('utf8'); res.on('data', (d) => data += d);
  res.on('end', () => console.log(JSON.stringify({ status: res.statusCode, body: data })));
});
req.on('error', (e) => console.log(JSON.stringify({ error: e.code || e.message })));
req.end(body);`;

const envelope = (op: string, header = ''): string =>
  `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>${header}</s:Header><s:Body><${op} xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>`;

interface ProbeReply {
  from: string;
  port: number;
  relatesTo: string | null;
  address: string | null;
  xaddrs: string | null;
  scopes: string | null;
  xml: string;
}

async function probe(lab: Lab, target: string, ms = 1500, raw?: string): Promise<{ id: string; replies: ProbeReply[] }> {
  const r = await lab.execInScanner(process.execPath, ['-e', PROBE, target, '198.18.0.1', String(ms), ...(raw ? [raw] : [])], { timeoutMs: ms + 5000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { id: string; replies: ProbeReply[] };
}

async function soap(lab: Lab, url: string, body: string): Promise<{ status?: number; body?: string; error?: string }> {
  const r = await lab.execInScanner(process.execPath, ['-e', SOAP, url, body], { timeoutMs: 8000 });
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { status?: number; body?: string; error?: string };
}

describe.skipIf(!isRoot)('namespace lab (default topology)', () => {
  let lab: Lab | undefined;
  const get = (): Lab => {
    if (!lab) throw new Error('lab did not start');
    return lab;
  };

  beforeAll(async () => {
    const t = Date.now();
    lab = await startLab(defaultLab());
    console.log(`lab ${lab.prefix} up in ${Date.now() - t} ms`, lab.timings);
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it('creates one namespace per host plus the bridge', () => {
    const names = labNamespaces(get().prefix);
    expect(names.sort()).toEqual([...get().namespaces].sort());
    expect(get().namespaces).toHaveLength(1 + 1 + 1 + defaultLab().devices.length); // br, scanner, router, devices
  });

  it.skipIf(!hasPing)('answers ping from every device, including the routed one', async () => {
    const ips = [...get().devices.map((d) => d.ip), '198.18.0.254', '198.19.1.1'];
    const results = await Promise.all(ips.map((ip) => get().execInScanner('ping', ['-c1', '-W1', '-n', ip], { timeoutMs: 5000 })));
    results.forEach((r, i) => expect({ ip: ips[i], code: r.code }).toEqual({ ip: ips[i], code: 0 }));
    const routed = results[ips.indexOf('198.19.1.10')]!;
    expect(routed.stdout).toMatch(/ttl=63/); // one hop through the router
  });

  it.skipIf(!hasPing)('shows the profile MACs in the scanner neighbour table, and none for the routed device', async () => {
    const r = await get().execInScanner('ip', ['-4', 'neigh', 'show', 'dev', 'eth0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^198\.18\.0\.11 lladdr 28:57:be:aa:bb:01 /m);
    for (const d of get().devices.filter((x) => x.profile.segment === 'a')) expect(r.stdout).toContain(`${d.ip} lladdr ${d.mac}`);
    expect(r.stdout).not.toMatch(/198\.19\.1\.10/);
    expect(r.stdout).toMatch(/^198\.18\.0\.254 lladdr 02:ca:00:00:00:fe /m);
  });

  it('gives each device, not the scanner, permanent neighbour entries for its segment (the scanner learns by ARP)', async () => {
    const scanner = get().topology.scanner;
    const device = get().devices.find((d) => d.profile.segment === 'a')!;
    const r = await get().execIn(get().namespaceOf(device.profile.name), 'ip', ['-4', 'neigh', 'show', 'nud', 'permanent', 'dev', 'eth0']);
    expect(r.stdout).toContain(`${scanner.ip} lladdr ${scanner.mac} PERMANENT`);
    const own = await get().execInScanner('ip', ['-4', 'neigh', 'show', 'nud', 'permanent']);
    expect(own.stdout.trim()).toBe('');
  });

  it('has no default route in the scanner and routes 198.19.1.0/24 via the router', async () => {
    const r = await get().execInScanner('ip', ['-4', 'route', 'show']);
    expect(r.stdout).not.toMatch(/^default/m);
    expect(r.stdout).toMatch(/^198\.19\.1\.0\/24 via 198\.18\.0\.254 dev eth0/m);
    expect(r.stdout).toMatch(/^224\.0\.0\.0\/4 dev eth0/m);
  });

  it('gets WS-Discovery replies to a multicast probe from the segment-A ONVIF devices only', async () => {
    const { id, replies } = await probe(get(), '239.255.255.250');
    const from = replies.map((r) => r.from).sort();
    expect(from).toEqual(['198.18.0.11', '198.18.0.12', '198.18.0.13', '198.18.0.17', '198.18.0.19']);
    for (const r of replies) {
      expect(r.relatesTo).toBe(id);
      expect(r.port).toBe(3702);
      expect(XMLValidator.validate(r.xml)).toBe(true);
    }
    const hik = replies.find((r) => r.from === '198.18.0.11')!;
    expect(hik.xaddrs).toBe('http://198.18.0.11/onvif/device_service');
    expect(hik.address).toBe('urn:uuid:aa85c000-6324-11b3-819e-2857beaabb01');
    expect(hik.scopes).toContain('onvif://www.onvif.org/MAC/28:57:be:aa:bb:01');
    expect(hik.scopes).toContain('onvif://www.onvif.org/name/HIKVISION%20DS-2CD2385G1-I');
    expect(replies.find((r) => r.from === '198.18.0.12')!.scopes).toContain('onvif://www.onvif.org/name/Dahua');
    expect(replies.find((r) => r.from === '198.18.0.19')!.scopes).toContain('onvif://www.onvif.org/name/Dahua');
    expect(replies.find((r) => r.from === '198.18.0.17')!.scopes).not.toMatch(/dahua/i);
    // The routed camera never saw the multicast probe.
    expect(get().readLog('routed-hik').filter((l) => l.service === 'ws-discovery')).toEqual([]);
    const hikLog = get().readLog('hik-onvif').filter((l) => l.detail.msgid === id);
    expect(hikLog).toMatchObject([{ service: 'ws-discovery', from: '198.18.0.1', operation: 'Probe', detail: { dst: 'multicast', reply: 'sent' } }]);
  });

  it('answers a unicast probe through the router', async () => {
    const { id, replies } = await probe(get(), '198.19.1.10', 1000);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ from: '198.19.1.10', port: 3702, relatesTo: id, xaddrs: 'http://198.19.1.10/onvif/device_service' });
    expect(replies[0]!.scopes).toContain('onvif://www.onvif.org/hardware/DS-2CD3955FWD-IWS');
    expect(get().readLog('routed-hik')).toMatchObject([{ service: 'ws-discovery', from: '198.18.0.1', operation: 'Probe', detail: { dst: 'unicast', msgid: id, reply: 'sent' } }]);
  });

  it('answers a unicast probe on the segment with a well-formed ProbeMatch from its own address', async () => {
    const { id, replies } = await probe(get(), '198.18.0.12', 1000);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ from: '198.18.0.12', port: 3702, relatesTo: id, address: 'uuid:503b687a-b9d7-474f-a2d0-08ededaabb02' });
    expect(XMLValidator.validate(replies[0]!.xml)).toBe(true);
    expect(replies[0]!.xml).toContain('<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action>');
    const logged = get().readLog('dahua-onvif').filter((l) => l.detail.msgid === id);
    expect(logged).toMatchObject([{ service: 'ws-discovery', from: '198.18.0.1', operation: 'Probe', detail: { dst: 'unicast', reply: 'sent' } }]);
  });

  it('ignores malformed probes and non-probe messages', async () => {
    const ignored = [
      '<s:Envelope><s:Body><d:Probe>',
      '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><a:MessageID xmlns:a="urn:x">uuid:1</a:MessageID></s:Header><s:Body><d:ProbeMatches xmlns:d="urn:d"/></s:Body></s:Envelope>',
      '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><a:MessageID xmlns:a="urn:x">uuid:2</a:MessageID></s:Header><s:Body><d:Probe xmlns:d="urn:d" xmlns:wsdp="http://schemas.xmlsoap.org/ws/2006/02/devprof"><d:Types>wsdp:Device</d:Types></d:Probe></s:Body></s:Envelope>',
    ];
    for (const raw of ignored) expect((await probe(get(), '198.18.0.11', 500, raw)).replies).toEqual([]);
    const ops = get()
      .readLog('hik-onvif')
      .filter((l) => l.service === 'ws-discovery' && l.detail.dst === 'unicast')
      .map((l) => `${l.operation}:${l.detail.reply}`);
    expect(ops).toEqual(['malformed:ignored', 'ProbeMatches:ignored', 'Probe:nomatch']);
  });

  it('serves ONVIF GetDeviceInformation and GetSystemDateAndTime anonymously', async () => {
    const url = 'http://198.18.0.11/onvif/device_service';
    const info = await soap(get(), url, envelope('GetDeviceInformation'));
    expect(info.status).toBe(200);
    expect(info.body).toContain('<tds:Manufacturer>HIKVISION</tds:Manufacturer>');
    expect(info.body).toContain('<tds:SerialNumber>DS-2CD2385G1-I20200414AAWRE33842150</tds:SerialNumber>');
    expect(info.body).toContain('xmlns:hikxsd=');
    const time = await soap(get(), url, envelope('GetSystemDateAndTime'));
    expect(time.status).toBe(200);
    expect(time.body).toContain(`<tt:Year>${new Date().getUTCFullYear()}</tt:Year>`);
    const dahua = await soap(get(), 'http://198.18.0.12/onvif/device_service', envelope('GetDeviceInformation'));
    expect(dahua.body).toContain('<tds:FirmwareVersion>2.811.0000013.0.R, Build Date 2023-12-20</tds:FirmwareVersion>');
    const laa = await soap(get(), 'http://198.18.0.17/onvif/device_service', envelope('GetDeviceInformation'));
    expect(laa.body).toContain('<tds:Manufacturer>Dahua</tds:Manufacturer>');
    const axis = await soap(get(), 'http://198.18.0.13/onvif/device_service', envelope('GetDeviceInformation'));
    expect(axis.body).toContain('<tds:Manufacturer>AXIS</tds:Manufacturer><tds:Model>M5525-E</tds:Model>');
    const nics = await soap(get(), url, envelope('GetNetworkInterfaces'));
    expect(nics.body).toContain('<tt:HwAddress>28:57:be:aa:bb:01</tt:HwAddress>');
    const other = await soap(get(), url, envelope('GetProfiles'));
    expect(other.status).toBe(500);
    expect(other.body).toContain('ter:ActionNotSupported');
  });

  it('demands a WS-UsernameToken on onvif-auth and answers the Dahua NotAuthorized fault', async () => {
    const url = 'http://198.18.0.19/onvif/device_service';
    const anon = await soap(get(), url, envelope('GetDeviceInformation'));
    expect(anon.status).toBe(400);
    expect(anon.body).toContain('<s:Value>ter:NotAuthorized</s:Value>');
    expect(anon.body).toContain('You still have 25 attempt(s).');
    expect((await soap(get(), url, envelope('GetSystemDateAndTime'))).status).toBe(200);
    const created = new Date().toISOString();
    const { username, password } = LAB_ONVIF_CREDENTIALS;
    const wrong = await soap(get(), url, envelope('GetDeviceInformation', usernameTokenHeader(username, 'nope', randomBytes(16), created)));
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('You still have 24 attempt(s).');
    const ok = await soap(get(), url, envelope('GetDeviceInformation', usernameTokenHeader(username, password, randomBytes(16), created)));
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<tds:Manufacturer>Dahua</tds:Manufacturer>');
    const auths = get()
      .readLog('onvif-auth')
      .filter((l) => l.service === 'onvif')
      .map((l) => `${l.operation}:${l.detail.status}:${l.detail.auth}`);
    expect(auths).toEqual(['GetDeviceInformation:400:none', 'GetSystemDateAndTime:200:none', 'GetDeviceInformation:400:bad', 'GetDeviceInformation:200:ok']);
  });

  it('logs what the scanner sent, and nothing it did not send', () => {
    const hik = get().readLog('hik-onvif');
    for (const l of hik) {
      expect(l.from).toBe('198.18.0.1');
      expect(Number.isNaN(Date.parse(l.at))).toBe(false);
    }
    expect(hik.filter((l) => l.service === 'onvif').map((l) => l.operation)).toEqual([
      'GetDeviceInformation',
      'GetSystemDateAndTime',
      'GetNetworkInterfaces',
      'GetProfiles',
    ]);
    // Never contacted over HTTP: the routed camera, and dahua-onvif only got one request.
    expect(get().readLog('routed-hik').filter((l) => l.service !== 'ws-discovery')).toEqual([]);
    expect(get().readLog('dahua-onvif').filter((l) => l.service === 'onvif')).toHaveLength(1);
    // Raw line format: <iso time> <service> <from-ip> <operation> [key=value ...]
    const raw = readFileSync(get().device('hik-onvif').logFile!, 'utf8').trim().split('\n');
    for (const line of raw) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S+ \d+\.\d+\.\d+\.\d+ \S+( \S+=\S*)*$/);
  });

  it('keeps the routed camera\'s MAC from anonymous GetNetworkInterfaces (generic NotAuthorized fault, HTTP 400)', async () => {
    const url = 'http://198.19.1.10/onvif/device_service';
    const info = await soap(get(), url, envelope('GetDeviceInformation'));
    expect(info.status).toBe(200);
    expect(info.body).toContain('<tds:Model>DS-2CD3955FWD-IWS</tds:Model>');
    const anon = await soap(get(), url, envelope('GetNetworkInterfaces'));
    expect(anon.status).toBe(400);
    expect(anon.body).toContain('<env:Value>ter:NotAuthorized</env:Value>');
    expect(anon.body).toContain('xmlns:hikxsd=');
    expect(XMLValidator.validate(anon.body!)).toBe(true);
    expect(anon.body).not.toMatch(/HwAddress|28:57:be:aa:bb:10/i);
    const { username, password } = LAB_ONVIF_CREDENTIALS;
    const ok = await soap(get(), url, envelope('GetNetworkInterfaces', usernameTokenHeader(username, password, randomBytes(16), new Date().toISOString())));
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<tt:HwAddress>28:57:be:aa:bb:10</tt:HwAddress>');
    const ops = get()
      .readLog('routed-hik')
      .filter((l) => l.service === 'onvif')
      .map((l) => `${l.operation}:${l.detail.status}:${l.detail.auth}`);
    expect(ops).toEqual(['GetDeviceInformation:200:none', 'GetNetworkInterfaces:400:none', 'GetNetworkInterfaces:200:ok']);
  });

  it('stop() removes every namespace and device process, and is idempotent', async () => {
    const l = get();
    const pids = l.devices.map((d) => d.pid).filter((p): p is number => p !== null);
    expect(pids.length).toBe(defaultLab().devices.filter((d) => Object.keys(d.services).length > 0).length); // silent hosts run no process
    await l.stop();
    await l.stop();
    expect(labNamespaces(l.prefix)).toEqual([]);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(processesMentioning(l.prefix)).toEqual([]);
    expect(() => readdirSync(l.dir)).toThrow();
  });
});

describe.skipIf(!isRoot)('startLab failures leave nothing behind', () => {
  const assertClean = (err: unknown): void => {
    expect(err).toBeInstanceOf(LabStartError);
    const prefix = (err as LabStartError).prefix;
    expect(labNamespaces(prefix)).toEqual([]);
    expect(processesMentioning(prefix)).toEqual([]);
    expect(readdirSync(tmpdir()).filter((e) => e.startsWith(prefix))).toEqual([]);
  };

  it('a device process that dies before ready', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calab-test-'));
    const script = join(dir, 'crash.js');
    writeFileSync(script, 'console.error("boom: simulated crash"); process.exit(3);');
    try {
      const err = await startLab(defaultLab(), { deviceScript: script }).catch((e: unknown) => e);
      expect(String(err)).toMatch(/device \S+ exited \(3\) before it was ready: boom: simulated crash/);
      assertClean(err);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('devices that are not ready in time', async () => {
    const err = await startLab(defaultLab(), { readyTimeoutMs: 1 }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/not ready after 1 ms/);
    assertClean(err);
  });

  it('an impossible profile that fails half-way through building the network', async () => {
    const base = defaultLab();
    // Passes validation, but the kernel refuses it: the connected route to the segment already exists.
    const topo: LabTopology = { ...base, scanner: { ...base.scanner, routes: [{ to: '198.18.0.0/24', via: '198.18.0.254' }] } };
    const err = await startLab(topo).catch((e: unknown) => e);
    expect(String(err)).toMatch(/ip -n \S+-scanner route add 198\.18\.0\.0\/24 via 198\.18\.0\.254 dev eth0 failed/);
    assertClean(err);
  });

  it('refuses any address outside 198.18.0.0/15 before creating anything', async () => {
    const base = defaultLab();
    const ours = (): string[] => listNamespaces().filter((n) => n.startsWith(`calab-${process.pid}-`));
    const before = ours();
    const topo: LabTopology = { ...base, segments: [...base.segments, { id: 'x', cidr: '192.168.1.0/24' }] };
    await expect(startLab(topo)).rejects.toThrow(LabConfigError);
    const topo2: LabTopology = { ...base, devices: [{ ...base.devices[0]!, ip: '198.20.0.11' }] };
    await expect(startLab(topo2)).rejects.toThrow(/outside 198\.18\.0\.0\/15/);
    expect(ours()).toEqual(before);
  });
});
