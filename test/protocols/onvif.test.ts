import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildGetDeviceInformation,
  buildGetNetworkInterfaces,
  buildGetSystemDateAndTime,
  isNotAuthorized,
  parseDeviceInformation,
  parseFault,
  parseNetworkInterfaces,
  parseSystemDateAndTime,
  passwordDigest,
  usernameToken,
} from '../../src/protocols/onvif.js';
import { attrOf, child, namespacesOf, parseXml, path, textOf } from '../../src/protocols/xml.js';
import { BILLION_LAUGHS, expectParseError, fixture, mutations, onlyParseError, randomBytesText, XXE } from './hostile.js';

const DAHUA_2H3400 = fixture('onvif/dahua-dh-2h3400-adp-getdeviceinformation.xml');
const DAHUA_HDW1025C = fixture('onvif/dahua-ipc-hdw1025c-getdeviceinformation.xml');
const AXIS_M5525 = fixture('onvif/axis-m5525-e-getdeviceinformation.xml');
const DAHUA_FAULT = fixture('onvif/dahua-notauthorized-fault.xml');
const HIK_NICS = fixture('onvif/hikvision-getnetworkinterfaces.xml');
const TIME_MOCKUP = fixture('onvif/getsystemdateandtime.xml');

const soap = (body: string) => `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>${body}</s:Body></s:Envelope>`;

describe('parseDeviceInformation on real responses', () => {
  it.each([
    ['Dahua DH-2H3400-ADP', DAHUA_2H3400, { manufacturer: 'Dahua', model: 'DH-2H3400-ADP', firmware: '2.811.0000013.0.R, Build Date 2023-12-20', serial: 'BA07995PHA29A85', hardwareId: '1.00' }],
    ['Dahua IPC-HDW1025C', DAHUA_HDW1025C, { manufacturer: 'Dahua', model: 'IPC-HDW1025C', firmware: '2.420.Dahua 00.14.R, build: 2016-06-18', serial: '2J01018PAA00813', hardwareId: '1.00' }],
    ['Axis M5525-E', AXIS_M5525, { manufacturer: 'AXIS', model: 'M5525-E', firmware: '8.40.1.1', serial: 'ACCC8EBECCEA', hardwareId: '757' }],
  ])('%s', (_label, text, expected) => {
    expect(parseFault(text)).toBeNull();
    expect(parseDeviceInformation(text)).toEqual(expected);
  });

  it('trims values and turns empty or missing ones into null', () => {
    const text = soap('<tds:GetDeviceInformationResponse xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><tds:Manufacturer>  Dahua \n</tds:Manufacturer><tds:Model/><tds:SerialNumber>   </tds:SerialNumber></tds:GetDeviceInformationResponse>');
    expect(parseDeviceInformation(text)).toEqual({ manufacturer: 'Dahua', model: null, firmware: null, serial: null, hardwareId: null });
  });
});

describe('faults are distinguishable from malformed replies', () => {
  it('reads the Dahua NotAuthorized fault', () => {
    const f = parseFault(DAHUA_FAULT);
    expect(f).toEqual({
      code: 's:Sender',
      subcode: 'ter:NotAuthorized',
      subcodes: ['ter:NotAuthorized'],
      reason: 'Sender not Authorized. Invalid username or password! You still have 24 attempt(s).',
    });
    expect(isNotAuthorized(f!)).toBe(true);
  });

  it('a fault is not device information: parseDeviceInformation refuses it', () => {
    expectParseError(() => parseDeviceInformation(DAHUA_FAULT), /no GetDeviceInformationResponse/);
  });

  it('reads nested subcodes and SOAP 1.1 faults', () => {
    const nested = soap('<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>ter:InvalidArgVal</s:Value><s:Subcode><s:Value>ter:NoProfile</s:Value></s:Subcode></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">no such profile</s:Text><s:Text xml:lang="de">kein Profil</s:Text></s:Reason></s:Fault>');
    const f = parseFault(nested)!;
    expect(f).toEqual({ code: 's:Sender', subcode: 'ter:InvalidArgVal', subcodes: ['ter:InvalidArgVal', 'ter:NoProfile'], reason: 'no such profile' });
    expect(isNotAuthorized(f)).toBe(false);
    const v11 = '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>Unauthorized</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>';
    expect(parseFault(v11)).toEqual({ code: 'SOAP-ENV:Client', subcode: null, subcodes: [], reason: 'Unauthorized' });
  });

  it('recognises NotAuthorized under any prefix', () => {
    const f = parseFault(soap('<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>err:NotAuthorized</s:Value></s:Subcode></s:Code></s:Fault>'))!;
    expect(isNotAuthorized(f)).toBe(true);
    expect(f.reason).toBeNull();
  });

  it('a Fault without a code is malformed', () => {
    expectParseError(() => parseFault(soap('<s:Fault><s:Reason><s:Text>x</s:Text></s:Reason></s:Fault>')), /without a Code/);
    expectParseError(() => parseFault(soap('<s:Fault/>')), /without a Code/);
  });

  it('an empty Body is no fault and no answer', () => {
    expect(parseFault(soap(''))).toBeNull();
    expectParseError(() => parseDeviceInformation(soap('')), /no GetDeviceInformationResponse/);
  });

  it.each([
    ['an HTML error page', '<html><body><h1>401 Unauthorized</h1></body></html>', /not a SOAP envelope/],
    ['plain text', 'Bad Request', /malformed XML/],
    ['a truncated envelope', DAHUA_FAULT.slice(0, 120), /malformed XML/],
    ['billion laughs', BILLION_LAUGHS, /DOCTYPE/],
    ['XXE', XXE, /DOCTYPE/],
  ])('parseFault throws ParseError for %s', (_label, text, pattern) => {
    expectParseError(() => parseFault(text), pattern);
  });
});

describe('parseSystemDateAndTime', () => {
  it('reads the agsh-shaped mockup', () => {
    expect(parseSystemDateAndTime(TIME_MOCKUP)).toEqual({
      utc: new Date('2014-12-24T16:29:56Z'),
      local: new Date('2014-12-25T00:29:56Z'), // wall clock in UTC fields
      tz: 'CST-8:00:00',
    });
  });

  it('gives null for a missing or impossible date, and keeps the rest', () => {
    const dt = (y: number, mo: number, d: number, h = 1, mi = 2, s = 3) =>
      `<tt:Time><tt:Hour>${h}</tt:Hour><tt:Minute>${mi}</tt:Minute><tt:Second>${s}</tt:Second></tt:Time><tt:Date><tt:Year>${y}</tt:Year><tt:Month>${mo}</tt:Month><tt:Day>${d}</tt:Day></tt:Date>`;
    const text = (utc: string, local = '') =>
      soap(`<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:UTCDateTime>${utc}</tt:UTCDateTime>${local}</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`);
    expect(parseSystemDateAndTime(text(dt(2023, 2, 31)))).toEqual({ utc: null, local: null, tz: null });
    expect(parseSystemDateAndTime(text(dt(2023, 13, 1))).utc).toBeNull();
    expect(parseSystemDateAndTime(text(dt(2023, 1, 1, 24))).utc).toBeNull();
    expect(parseSystemDateAndTime(text(dt(-5, 1, 1))).utc).toBeNull();
    expect(parseSystemDateAndTime(text('<tt:Date><tt:Year>2020</tt:Year></tt:Date>')).utc).toBeNull();
    // An unsynchronised camera clock is still a clock: year 1970 and year 70 are taken as written.
    expect(parseSystemDateAndTime(text(dt(1970, 1, 1, 0, 0, 5))).utc).toEqual(new Date('1970-01-01T00:00:05Z'));
    expect(parseSystemDateAndTime(text(dt(70, 1, 1))).utc!.getUTCFullYear()).toBe(70);
    expect(parseSystemDateAndTime(text('', `<tt:LocalDateTime>${dt(2024, 2, 29, 23, 59, 60)}</tt:LocalDateTime>`))).toEqual({
      utc: null,
      local: new Date('2024-02-29T23:59:59Z'), // a leap second is clamped, not rejected
      tz: null,
    });
  });

  it('throws ParseError when SystemDateAndTime is missing, e.g. on a fault', () => {
    expectParseError(() => parseSystemDateAndTime(DAHUA_FAULT), /no SystemDateAndTime/);
  });
});

describe('parseNetworkInterfaces', () => {
  it('reads the Hikvision interface and its MAC', () => {
    expect(parseNetworkInterfaces(HIK_NICS)).toEqual([{ name: 'eth0', mac: '28:57:be:65:7d:d5' }]);
    expect(namespacesOf(HIK_NICS)).toContain('http://www.hikvision.com/2011/event/topics');
  });

  it('falls back to the token for the name, normalises or drops the MAC, caps the list', () => {
    const nic = (token: string, info: string) => `<tds:NetworkInterfaces token="${token}"><tt:Enabled>true</tt:Enabled>${info}</tds:NetworkInterfaces>`;
    const text = soap(
      `<tds:GetNetworkInterfacesResponse>${nic('eth1', '<tt:Info><tt:HwAddress>28-57-BE-65-7D-D6</tt:HwAddress></tt:Info>')}${nic('wlan0', '<tt:Info><tt:Name>wlan0</tt:Name><tt:HwAddress>zz</tt:HwAddress></tt:Info>')}${nic('x', '').repeat(40)}</tds:GetNetworkInterfacesResponse>`,
    );
    const got = parseNetworkInterfaces(text);
    expect(got.slice(0, 3)).toEqual([{ name: 'eth1', mac: '28:57:be:65:7d:d6' }, { name: 'wlan0', mac: null }, { name: 'x', mac: null }]);
    expect(got).toHaveLength(16);
  });

  it('throws ParseError on a fault', () => {
    expectParseError(() => parseNetworkInterfaces(DAHUA_FAULT), /no GetNetworkInterfacesResponse/);
  });
});

describe('WS-UsernameToken', () => {
  it('reproduces the digest in agsh/onvif test/serverMockup/GetDeviceInformation.xml (password 9999)', () => {
    // agsh's tests log in as admin/9999 (test/common.js); its mock carries this token verbatim.
    const nonce = Buffer.from('NDczOTcxNjIzNw==', 'base64');
    expect(passwordDigest(nonce, '2014-12-24T16:29:56.117Z', '9999')).toBe('GBojZCRixHjpO9rnY+SxhdxZ5bc=');
    const header = usernameToken({ username: 'admin', password: '9999', created: new Date('2014-12-24T16:29:56.117Z'), nonce });
    expect(header).toContain('>GBojZCRixHjpO9rnY+SxhdxZ5bc=</wsse:Password>');
    expect(header).toContain('<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">NDczOTcxNjIzNw==</wsse:Nonce>');
    expect(header).toContain('<wsu:Created>2014-12-24T16:29:56.117Z</wsu:Created>');
  });

  it('matches an independent computation, UTF-8 password and escaped username included', () => {
    const nonce = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const created = new Date(Date.UTC(2026, 10, 26, 5, 40, 0, 123));
    const password = 'pässwörd✓';
    const expected = createHash('sha1').update(nonce).update('2026-11-26T05:40:00.123Z').update(Buffer.from(password, 'utf8')).digest('base64');
    const header = usernameToken({ username: 'a<d>m&"in', password, created, nonce });
    const token = path(parseXml(soap(header).replace('<s:Body>', `<s:Header>${header}</s:Header><s:Body>`)), 'Envelope', 'Header', 'Security', 'UsernameToken');
    expect(textOf(child(token, 'Username'))).toBe('a<d>m&"in');
    expect(textOf(child(token, 'Password'))).toBe(expected);
    expect(textOf(child(token, 'Nonce'))).toBe(nonce.toString('base64'));
    expect(textOf(child(token, 'Created'))).toBe('2026-11-26T05:40:00.123Z');
  });

  it('refuses an invalid Date or an empty nonce (caller bugs)', () => {
    expect(() => usernameToken({ username: 'a', password: 'b', created: new Date(NaN), nonce: Buffer.alloc(16) })).toThrow(RangeError);
    expect(() => usernameToken({ username: 'a', password: 'b', created: new Date(), nonce: Buffer.alloc(0) })).toThrow(RangeError);
  });
});

describe('request builders', () => {
  const security = usernameToken({ username: 'admin', password: 'x', created: new Date('2026-01-01T00:00:00Z'), nonce: Buffer.alloc(16, 1) });

  it.each([
    ['GetSystemDateAndTime', buildGetSystemDateAndTime],
    ['GetDeviceInformation', buildGetDeviceInformation],
    ['GetNetworkInterfaces', buildGetNetworkInterfaces],
  ])('%s: SOAP 1.2, device namespace, optional Security header', (op, build) => {
    const anonymous = build();
    expect(anonymous).not.toContain('Header');
    const doc = parseXml(build(security), { attributes: true });
    const env = child(doc, 'Envelope');
    expect(namespacesOf(anonymous)).toEqual(['http://www.w3.org/2003/05/soap-envelope']);
    expect(anonymous).toContain(`<s:Body><${op} xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body>`);
    expect(path(env, 'Body', op)).toBe('');
    expect(attrOf(path(env, 'Header', 'Security'), 'mustUnderstand')).toBe('1');
    expect(textOf(path(env, 'Header', 'Security', 'UsernameToken', 'Username'))).toBe('admin');
  });
});

describe('hostile input never throws anything but ParseError', () => {
  const fixtures = { DAHUA_2H3400, DAHUA_HDW1025C, AXIS_M5525, DAHUA_FAULT, HIK_NICS, TIME_MOCKUP };
  const parsers = [parseFault, parseDeviceInformation, parseSystemDateAndTime, parseNetworkInterfaces];

  it.each(Object.entries(fixtures))('every truncation of %s', (_name, text) => {
    const complete = text.trimEnd().length;
    for (let i = 0; i < text.length; i++) {
      const got = onlyParseError(() => parseFault(text.slice(0, i)), `cut at ${i}`);
      expect(got, `cut at ${i}`).toBe(i < complete ? 'parse-error' : 'ok');
      for (const p of parsers.slice(1)) onlyParseError(() => p(text.slice(0, i)), `${p.name} cut at ${i}`);
    }
  });

  it.each(Object.entries(fixtures))('random edits of %s', (name, text) => {
    for (const [i, m] of mutations(text, 300, name.length).entries()) {
      for (const p of parsers) onlyParseError(() => p(m), `${p.name} mutation ${i}`);
    }
  });

  it('random bytes and oversize bodies', () => {
    for (let seed = 1; seed <= 30; seed++) for (const p of parsers) onlyParseError(() => p(randomBytesText(1500, seed)), `seed ${seed}`);
    const big = DAHUA_2H3400.replace('<tds:HardwareId>', `<tds:HardwareId>${'x'.repeat(300 * 1024)}`);
    for (const p of parsers) expectParseError(() => p(big), /larger than/);
  });
});
