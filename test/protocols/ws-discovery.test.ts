import { describe, expect, it } from 'vitest';
import {
  buildProbe,
  MAX_MATCHES,
  MAX_SCOPES,
  newMessageId,
  parseProbeMatches,
  sameMessageId,
} from '../../src/protocols/ws-discovery.js';
import { child, namespacesOf, parseXml, path, textOf } from '../../src/protocols/xml.js';
import { BILLION_LAUGHS, expectParseError, fixture, mutations, onlyParseError, randomBytesText, XXE } from './hostile.js';

const HIK_3955 = fixture('ws-discovery/hikvision-ds-2cd3955fwd-iws-probematch.xml');
const HIK_2385 = fixture('ws-discovery/hikvision-ds-2cd2385g1-i-probematch-body.xml');
const DAHUA_HELLO = fixture('ws-discovery/dahua-ipc-hfw2228m-i1-v2-hello.xml');
const HIKVISION_NS = 'http://www.hikvision.com/2011/event/topics';

/** A reply shaped like the lab responder's (research/dependencies.md Appendix B). */
function reply(relatesTo: string, matches: string[]): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:wsadis="http://schemas.xmlsoap.org/ws/2004/08/addressing">` +
    `<env:Header><wsadis:MessageID>urn:uuid:1</wsadis:MessageID><wsadis:RelatesTo>${relatesTo}</wsadis:RelatesTo>` +
    `<wsadis:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsadis:Action></env:Header>` +
    `<env:Body><d:ProbeMatches>${matches.join('')}</d:ProbeMatches></env:Body></env:Envelope>`
  );
}
function match(urn: string, scopes = 'onvif://www.onvif.org/hardware/DS-2CD2143G0-I', xaddrs = 'http://198.18.0.11:80/onvif/device_service'): string {
  return (
    `<d:ProbeMatch><wsadis:EndpointReference><wsadis:Address>${urn}</wsadis:Address></wsadis:EndpointReference>` +
    `<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types><d:Scopes>${scopes}</d:Scopes>` +
    `<d:XAddrs>${xaddrs}</d:XAddrs><d:MetadataVersion>10</d:MetadataVersion></d:ProbeMatch>`
  );
}

describe('parseProbeMatches on real captures', () => {
  it('Hikvision DS-2CD3955FWD-IWS ProbeMatch', () => {
    const r = parseProbeMatches(HIK_3955);
    expect(r.relatesTo).toBe('uuid:bfe8bb88-03a2-4e1a-904a-59a7d2882649');
    expect(r.action).toBe('http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches');
    expect(r.namespaces).toContain(HIKVISION_NS);
    expect(r.matches).toHaveLength(1);
    expect(r.matches[0]).toEqual({
      endpoint: 'urn:uuid:18ec6401-3aa0-11b5-83f6-b4a3820fd92d',
      types: ['dn:NetworkVideoTransmitter', 'tds:Device'],
      scopes: [
        'onvif://www.onvif.org/type/video_encoder',
        'onvif://www.onvif.org/Profile/Streaming',
        'onvif://www.onvif.org/Profile/G',
        'onvif://www.onvif.org/type/audio_encoder',
        'onvif://www.onvif.org/type/ptz',
        'onvif://www.onvif.org/hardware/DS-2CD3955FWD-IWS',
        'onvif://www.onvif.org/name/HIKVISION DS-2CD3955FWD-IWS',
        'onvif://www.onvif.org/location/city/hangzhou',
      ],
      xaddrs: ['http://192.168.0.218/onvif/device_service', 'http://[fe80::b6a3:82ff:fe0f:d92d]/onvif/device_service'],
      metadataVersion: 10,
    });
  });

  it('accepts the probe it answers, with either uuid: or urn:uuid:', () => {
    expect(parseProbeMatches(HIK_3955, 'urn:uuid:bfe8bb88-03a2-4e1a-904a-59a7d2882649').matches).toHaveLength(1);
    expect(parseProbeMatches(HIK_3955, 'uuid:BFE8BB88-03A2-4E1A-904A-59A7D2882649').matches).toHaveLength(1);
    expect(sameMessageId('urn:uuid:abc', ' uuid:ABC ')).toBe(true);
    expect(sameMessageId('urn:uuid:abc', 'urn:uuid:abd')).toBe(false);
  });

  it('refuses a reply to another probe', () => {
    expectParseError(() => parseProbeMatches(HIK_3955, newMessageId()), /does not answer our probe/);
  });

  it('Hikvision DS-2CD2385G1-I ProbeMatch body (wrapped): MAC scope and Profile T, no RelatesTo', () => {
    const r = parseProbeMatches(HIK_2385);
    expect(r.relatesTo).toBeNull();
    expect(r.action).toBeNull();
    expect(r.namespaces).toContain(HIKVISION_NS);
    const m = r.matches[0]!;
    expect(m.endpoint).toBe('urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385');
    expect(m.scopes).toContain('onvif://www.onvif.org/MAC/58:50:ed:1f:e3:85');
    expect(m.scopes).toContain('onvif://www.onvif.org/Profile/T');
    expect(m.scopes).toContain('onvif://www.onvif.org/name/HIKVISION DS-2CD2385G1-I');
    expect(m.xaddrs).toEqual(['http://192.168.124.40/onvif/device_service', 'http://[fe80::5a50:edff:fe1f:e385]/onvif/device_service']);
    // A reply that cannot be tied to our probe is refused when we expect one.
    expectParseError(() => parseProbeMatches(HIK_2385, newMessageId()), /no RelatesTo/);
  });

  it('Dahua IPC-HFW2228M-I1-V2 Hello', () => {
    const r = parseProbeMatches(DAHUA_HELLO);
    expect(r.action).toBe('http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello');
    expect(r.relatesTo).toBeNull();
    expect(r.namespaces).not.toContain(HIKVISION_NS);
    expect(r.matches).toEqual([
      {
        endpoint: 'uuid:503b687a-b9d7-474f-a2d0-a18c8b25a464',
        types: ['dn:NetworkVideoTransmitter', 'tds:Device'],
        scopes: [
          'onvif://www.onvif.org/location/country/china',
          'onvif://www.onvif.org/name/Dahua',
          'onvif://www.onvif.org/hardware/IPC-HFW2228M-I1-V2',
          'onvif://www.onvif.org/Profile/Streaming',
          'onvif://www.onvif.org/type/Network_Video_Transmitter',
          'onvif://www.onvif.org/extension/unique_identifier',
        ],
        xaddrs: ['http://192.168.1.45/onvif/device_service'],
        metadataVersion: 1,
      },
    ]);
  });
});

describe('parseProbeMatches on generated replies', () => {
  it('keeps both matches of a two-match reply (the onvif package drops it)', () => {
    const id = newMessageId();
    const r = parseProbeMatches(reply(id, [match('urn:uuid:a'), match('urn:uuid:a-2')]), id);
    expect(r.matches.map((m) => m.endpoint)).toEqual(['urn:uuid:a', 'urn:uuid:a-2']);
  });

  it('accepts an empty ProbeMatches and a match without XAddrs', () => {
    expect(parseProbeMatches(reply('uuid:x', [])).matches).toEqual([]);
    const bare = '<d:ProbeMatch><wsadis:EndpointReference><wsadis:Address>urn:uuid:b</wsadis:Address></wsadis:EndpointReference></d:ProbeMatch>';
    expect(parseProbeMatches(reply('uuid:x', [bare])).matches[0]).toEqual({ endpoint: 'urn:uuid:b', types: [], scopes: [], xaddrs: [], metadataVersion: null });
  });

  it('caps matches and scopes', () => {
    const many = Array.from({ length: 100 }, (_, i) => match(`urn:uuid:${i}`));
    expect(parseProbeMatches(reply('uuid:x', many)).matches).toHaveLength(MAX_MATCHES);
    const scopes = Array.from({ length: 1000 }, (_, i) => `onvif://www.onvif.org/x/${i}`).join(' ');
    expect(parseProbeMatches(reply('uuid:x', [match('urn:uuid:a', scopes)])).matches[0]!.scopes).toHaveLength(MAX_SCOPES);
  });

  it('percent-decodes each scope safely', () => {
    const r = parseProbeMatches(reply('uuid:x', [match('urn:uuid:a', 'onvif://www.onvif.org/name/A%20B%E0%A4%A onvif://www.onvif.org/name/%E2%82%AC%zz %')]));
    expect(r.matches[0]!.scopes).toEqual(['onvif://www.onvif.org/name/A B%E0%A4%A', 'onvif://www.onvif.org/name/€%zz', '%']);
  });

  it('does not follow or judge XAddrs: a foreign host is reported as written', () => {
    const r = parseProbeMatches(reply('uuid:x', [match('urn:uuid:a', '', 'http://198.18.0.12:8080/onvif/device_service not-a-url')]));
    expect(r.matches[0]!.xaddrs).toEqual(['http://198.18.0.12:8080/onvif/device_service', 'not-a-url']);
  });

  it.each([
    ['no Envelope', '<Body><ProbeMatches/></Body>', /no SOAP Envelope/],
    ['no Body', '<s:Envelope xmlns:s="urn:s"><s:Header/></s:Envelope>', /no SOAP Body/],
    ['our own Probe echoed back', buildProbe(newMessageId()), /neither ProbeMatches nor Hello/],
    ['the lab responder bad-xml mode', '<env:Envelope><env:Body><unclosed>', /malformed XML/],
    ['billion laughs', BILLION_LAUGHS, /DOCTYPE/],
    ['XXE', XXE, /DOCTYPE/],
    ['a __proto__ element', reply('uuid:x', ['<d:__proto__><polluted>1</polluted></d:__proto__>']), /Invalid name/],
  ])('throws ParseError for %s', (_label, text, pattern) => {
    expectParseError(() => parseProbeMatches(text), pattern);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a 300 KB reply', () => {
    expectParseError(() => parseProbeMatches(reply('uuid:x', [match('urn:uuid:a')]) + ' '.repeat(300 * 1024)), /larger than/);
  });
});

describe('hostile input never throws anything but ParseError', () => {
  const fixtures = { HIK_3955, HIK_2385, DAHUA_HELLO };
  it.each(Object.entries(fixtures))('every truncation of %s', (_name, text) => {
    const complete = text.trimEnd().length; // cuts in the trailing newline still hold the whole document
    for (let i = 0; i < text.length; i++) {
      const got = onlyParseError(() => parseProbeMatches(text.slice(0, i)), `cut at ${i}`);
      expect(got, `cut at ${i}`).toBe(i < complete ? 'parse-error' : 'ok');
    }
  });

  it.each(Object.entries(fixtures))('random edits of %s', (name, text) => {
    for (const [i, m] of mutations(text, 400, name.length).entries()) onlyParseError(() => parseProbeMatches(m), `mutation ${i}`);
  });

  it('random bytes', () => {
    for (let seed = 1; seed <= 50; seed++) onlyParseError(() => parseProbeMatches(randomBytesText(2000, seed)), `seed ${seed}`);
  });
});

describe('buildProbe', () => {
  it('is one line, WS-Discovery 2005/04 over SOAP 1.2, Types dn:NetworkVideoTransmitter', () => {
    const id = newMessageId();
    const probe = buildProbe(id);
    expect(probe).not.toMatch(/[\r\n]/);
    const env = child(parseXml(probe), 'Envelope');
    expect(textOf(path(env, 'Header', 'MessageID'))).toBe(id);
    expect(textOf(path(env, 'Header', 'To'))).toBe('urn:schemas-xmlsoap-org:ws:2005:04:discovery');
    expect(textOf(path(env, 'Header', 'Action'))).toBe('http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe');
    expect(textOf(path(env, 'Body', 'Probe', 'Types'))).toBe('dn:NetworkVideoTransmitter');
  });

  it('declares the 2005/04 discovery, 2004/08 addressing and ONVIF namespaces on the envelope', () => {
    expect(new Set(namespacesOf(buildProbe('urn:uuid:x')))).toEqual(
      new Set([
        'http://www.w3.org/2003/05/soap-envelope',
        'http://schemas.xmlsoap.org/ws/2004/08/addressing',
        'http://schemas.xmlsoap.org/ws/2005/04/discovery',
        'http://www.onvif.org/ver10/network/wsdl',
        'http://www.onvif.org/ver10/device/wsdl',
      ]),
    );
  });

  it('takes other Types, or none', () => {
    expect(textOf(path(parseXml(buildProbe('urn:uuid:x', 'tds:Device')), 'Envelope', 'Body', 'Probe', 'Types'))).toBe('tds:Device');
    const bare = buildProbe('urn:uuid:x', '');
    expect(bare).not.toContain('Types');
    expect(path(parseXml(bare), 'Envelope', 'Body', 'Probe')).toBe('');
  });

  it('escapes what it is given', () => {
    const probe = buildProbe('urn:uuid:<x>&"', 'dn:A&B');
    const env = child(parseXml(probe), 'Envelope');
    expect(textOf(path(env, 'Header', 'MessageID'))).toBe('urn:uuid:<x>&"');
    expect(textOf(path(env, 'Body', 'Probe', 'Types'))).toBe('dn:A&B');
  });
});

describe('newMessageId', () => {
  it('is urn:uuid: plus a random v4 UUID', () => {
    const a = newMessageId();
    expect(a).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newMessageId()).not.toBe(a);
  });
});
