// Unit tests of the simulated device, in-process on 127.0.0.1 (no namespaces, no root needed).

import { request } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDevice, runDevice } from '../../src/lab/device.js';
import { formatLogLine, parseLogLine, readLogFile } from '../../src/lab/log.js';
import { PAYLOADS, linkLocalFromMac, tzOffsetMinutes } from '../../src/lab/payloads/index.js';
import { checkUsernameToken, usernameTokenHeader } from '../../src/lab/services/onvif.js';
import { probeMatches } from '../../src/lab/services/ws-discovery.js';
import { type DeviceProfile, LAB_ONVIF_CREDENTIALS, type VendorFlavour, defaultLab, validateTopology } from '../../src/lab/topology.js';
import { bodyOperation, isWellFormed } from '../../src/lab/xml.js';
import { udpExchange as udpReplies } from './helpers.js';

const probeXml = (id: string, types = 'dn:NetworkVideoTransmitter', scopes = ''): string =>
  `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header><a:MessageID>${id}</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header><s:Body><d:Probe><d:Types>${types}</d:Types>${scopes ? `<d:Scopes>${scopes}</d:Scopes>` : ''}</d:Probe></s:Body></s:Envelope>`;

const soapBody = (op: string, header = ''): string =>
  `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>${header}</s:Header><s:Body><${op} xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>`;

const udpExchange = async (port: number, message: string, waitMs = 300): Promise<string[]> =>
  (await udpReplies(port, message, waitMs)).map((b) => b.toString('utf8'));

function post(port: number, path: string, body: string, method = 'POST'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { 'Content-Type': 'application/soap+xml' } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const lab = defaultLab();
const profile = (name: string): DeviceProfile => lab.devices.find((d) => d.name === name)!;

describe('topology', () => {
  it('the default lab validates', () => {
    expect(() => validateTopology(lab)).not.toThrow();
  });
  it('uses only 198.18.0.0/15 and unique MACs', () => {
    const hosts = [lab.scanner, ...lab.devices];
    for (const h of hosts) expect(h.ip).toMatch(/^198\.1[89]\./);
    expect(new Set(hosts.map((h) => h.mac)).size).toBe(hosts.length);
  });
});

describe('payloads', () => {
  const args = {
    relatesTo: 'uuid:x&y',
    freshUuid: randomUUID(),
    endpoint: 'urn:uuid:1',
    types: 'dn:NetworkVideoTransmitter tds:Device',
    scopes: ['onvif://www.onvif.org/name/A%20B'],
    xaddrs: ['http://198.18.0.11/onvif/device_service'],
    metadataVersion: 10,
    instanceId: 1,
    messageNumber: 2,
  };
  for (const flavour of Object.keys(PAYLOADS) as VendorFlavour[]) {
    it(`${flavour}: every payload is well-formed XML`, () => {
      const p = PAYLOADS[flavour];
      const docs = [
        p.probeMatches(args),
        p.response('<tds:GetDeviceInformationResponse><tds:Manufacturer>X</tds:Manufacturer></tds:GetDeviceInformationResponse>'),
        p.fault({ code: 'Sender', subcode: 'ter:NotAuthorized', reason: 'no <way>' }),
      ];
      for (const d of docs) {
        expect(XMLValidator.validate(d)).toBe(true);
        expect(isWellFormed(d)).toBe(true);
      }
      expect(docs[0]).toMatch(/<(\w+):RelatesTo>uuid:x&amp;y<\/\1:RelatesTo>/);
    });
  }
  it('derives the EUI-64 link-local address like the real Hikvision capture', () => {
    expect(linkLocalFromMac('28:57:be:65:7d:d5')).toBe('fe80::2a57:beff:fe65:7dd5');
  });
  it('reads POSIX time zones', () => {
    expect(tzOffsetMinutes('CST-8:00:00')).toBe(480);
    expect(tzOffsetMinutes('GMT0')).toBe(0);
    expect(tzOffsetMinutes('EST5EDT')).toBe(-300);
  });
});

describe('xml helpers', () => {
  it('tells well-formed from malformed', () => {
    expect(isWellFormed('<?xml version="1.0"?><a:b x="1"><c/>t</a:b>')).toBe(true);
    for (const bad of ['', 'text', '<a>', '<a></b>', '<a/><b/>', '<!DOCTYPE a><a/>', '<a x=1/>', '<a><b></a></b>', '<a/>trailing'])
      expect(isWellFormed(bad)).toBe(false);
  });
  it('finds the SOAP operation', () => {
    expect(bodyOperation(soapBody('GetDeviceInformation'))).toBe('GetDeviceInformation');
    expect(bodyOperation('<s:Envelope><s:Body>\n<!-- c --><tds:GetScopes/></s:Body></s:Envelope>')).toBe('GetScopes');
  });
});

describe('WS-Discovery matching', () => {
  const svc = profile('hik-onvif').services.wsDiscovery!;
  it('matches by namespace-qualified type', () => {
    expect(probeMatches(probeXml('uuid:1'), svc)).toBe(true);
    expect(probeMatches(probeXml('uuid:1', ''), svc)).toBe(true);
    expect(probeMatches(probeXml('uuid:1', 'dn:NetworkVideoDisplay'), svc)).toBe(false);
    expect(probeMatches(probeXml('uuid:1', 'x:Device').replace('<s:Envelope', '<s:Envelope xmlns:x="urn:other"'), svc)).toBe(false);
  });
  it('matches scopes by segment prefix', () => {
    expect(probeMatches(probeXml('uuid:1', '', 'onvif://www.onvif.org/location'), svc)).toBe(true);
    expect(probeMatches(probeXml('uuid:1', '', 'onvif://www.onvif.org/name/HIKVISION'), svc)).toBe(false);
    expect(probeMatches(probeXml('uuid:1', '', 'onvif://www.onvif.org/type/video_encoder'), svc)).toBe(true);
  });
});

describe('request log', () => {
  it('round-trips a line', () => {
    const line = formatLogLine('onvif', '198.18.0.1', 'GetDeviceInformation', { status: 200, path: '/a b', x: undefined }, new Date(0));
    expect(line).toBe('1970-01-01T00:00:00.000Z onvif 198.18.0.1 GetDeviceInformation status=200 path=/a%20b');
    expect(parseLogLine(line, 'd')).toEqual({
      at: '1970-01-01T00:00:00.000Z',
      device: 'd',
      service: 'onvif',
      from: '198.18.0.1',
      operation: 'GetDeviceInformation',
      detail: { status: '200', path: '/a b' },
    });
  });
});

describe('WS-UsernameToken', () => {
  it('accepts the right digest and refuses the rest', () => {
    const { username, password } = LAB_ONVIF_CREDENTIALS;
    const created = '2026-01-01T00:00:00.000Z';
    const nonce = randomBytes(16);
    expect(checkUsernameToken(soapBody('X'), username, password)).toBe('none');
    expect(checkUsernameToken(soapBody('X', usernameTokenHeader(username, password, nonce, created)), username, password)).toBe('ok');
    expect(checkUsernameToken(soapBody('X', usernameTokenHeader(username, 'wrong', nonce, created)), username, password)).toBe('bad');
    expect(checkUsernameToken(soapBody('X', usernameTokenHeader('root', password, nonce, created)), username, password)).toBe('bad');
    const text = usernameTokenHeader(username, password, nonce, created).replace('#PasswordDigest', '#PasswordText');
    expect(checkUsernameToken(soapBody('X', text), username, password)).toBe('bad');
  });
});

describe('device on loopback', () => {
  let dir: string;
  let dev: RunningDevice;
  let wsdPort: number;
  let httpPort: number;
  const logFile = (): string => join(dir, 'dev.log');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'calab-unit-'));
    dev = await runDevice({
      profile: profile('onvif-auth'),
      prefixLength: 24,
      logFile: logFile(),
      bindIp: '127.0.0.1',
      multicast: false,
      portOverride: { wsDiscovery: 0, onvif: 0 },
    });
    wsdPort = dev.handles.find((h) => h.service === 'wsDiscovery')!.ports.udp!;
    httpPort = dev.handles.find((h) => h.service === 'onvif')!.ports.tcp!;
  });

  afterAll(async () => {
    await dev?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a unicast probe with RelatesTo = MessageID', async () => {
    const id = `uuid:${randomUUID()}`;
    const replies = await udpExchange(wsdPort, probeXml(id));
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(`<a:RelatesTo>${id}</a:RelatesTo>`);
    expect(replies[0]).toContain('onvif://www.onvif.org/name/Dahua');
    expect(XMLValidator.validate(replies[0]!)).toBe(true);
  });

  it('ignores garbage', async () => {
    expect(await udpExchange(wsdPort, 'hello', 150)).toEqual([]);
    expect(await udpExchange(wsdPort, probeXml('').replace('<a:MessageID></a:MessageID>', ''), 150)).toEqual([]);
  });

  it('serves the device service and faults', async () => {
    const path = '/onvif/device_service';
    expect((await post(httpPort, path, soapBody('GetSystemDateAndTime'))).status).toBe(200);
    const anon = await post(httpPort, path, soapBody('GetDeviceInformation'));
    expect(anon.status).toBe(400);
    expect(anon.body).toContain('Sender not Authorized. Invalid username or password! You still have 25 attempt(s).');
    const hdr = usernameTokenHeader(LAB_ONVIF_CREDENTIALS.username, LAB_ONVIF_CREDENTIALS.password, randomBytes(16), new Date().toISOString());
    const ok = await post(httpPort, path, soapBody('GetNetworkInterfaces', hdr));
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<tt:HwAddress>02:5e:11:aa:bb:09</tt:HwAddress>');
    expect((await post(httpPort, path, '<not-xml')).status).toBe(400);
    expect((await post(httpPort, path, '', 'GET')).status).toBe(405);
    expect((await post(httpPort, '/other', '')).status).toBe(404);
    const ops = readLogFile(logFile(), 'dev').map((r) => `${r.service} ${r.operation} ${r.detail.status ?? r.detail.reply}`);
    expect(ops).toEqual([
      'ws-discovery Probe sent',
      'ws-discovery malformed ignored',
      'ws-discovery Probe ignored-no-msgid',
      'onvif GetSystemDateAndTime 200',
      'onvif GetDeviceInformation 400',
      'onvif GetNetworkInterfaces 200',
      'onvif malformed 400',
      'onvif GET 405',
      'http POST 404',
    ]);
  });
});
