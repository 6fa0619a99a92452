// HTTP banner parsing: challenges, RPC2 login challenge and XML namespace on real payloads
// (test/fixtures/http, origins in SOURCES.md); titles and page paths on small pages written for the test
// (no named capture of a camera's HTML page exists in the research), plus hostile variants of each.
import { describe, expect, it } from 'vitest';
import {
  challengeBanner,
  htmlTitle,
  pagePaths,
  parseChallenges,
  parseRpc2Challenge,
  printable,
  urlPath,
  xmlRootNamespace,
} from '../../src/protocols/http-banner.js';
import { BILLION_LAUGHS, fixture, mutations, randomBytesText } from './hostile.js';

const headerOf = (raw: string, name: string): string => {
  const line = raw.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line!.slice(name.length + 1).trim();
};

describe('parseChallenges', () => {
  it('reads the realm of a real Hikvision ISAPI 401, wherever realm sits among the parameters', () => {
    const header = headerOf(fixture('http/hikvision-isapi-401-headers.txt'), 'WWW-Authenticate');
    const [c] = parseChallenges(header);
    expect(c).toEqual({
      scheme: 'Digest',
      params: { qop: 'auth', realm: 'IP Camera(C2183)', nonce: '4e5468694e7a42694e7a4d364f4449354d7a6b354d54513d', stale: 'FALSE' },
    });
    expect(challengeBanner(c!)).toBe('Digest realm="IP Camera(C2183)"');
  });

  it('splits several challenges in one header and keeps unquoted values (Axis stale=FALSE)', () => {
    const cs = parseChallenges('Digest realm="AXIS_WS_ACCC8E3A0A8F", nonce="000057c3Y8", stale=FALSE, Basic realm="AXIS_WS_ACCC8E3A0A8F"');
    expect(cs.map((c) => c.scheme)).toEqual(['Digest', 'Basic']);
    expect(cs[0]!.params.stale).toBe('FALSE');
    expect(cs.map(challengeBanner)).toEqual(['Digest realm="AXIS_WS_ACCC8E3A0A8F"', 'Basic realm="AXIS_WS_ACCC8E3A0A8F"']);
  });

  it('unescapes quoted pairs, normalises the scheme case and ignores a repeated parameter', () => {
    const [c] = parseChallenges('digest realm="a \\"b\\" c", realm="second"');
    expect(challengeBanner(c!)).toBe(`Digest realm="a 'b' c"`);
  });

  it('yields no banner for challenges without a realm, and survives broken headers', () => {
    expect(parseChallenges('Negotiate').map(challengeBanner)).toEqual([null]);
    expect(parseChallenges('')).toEqual([]);
    expect(parseChallenges('Digest realm="unterminated').map(challengeBanner)).toEqual(['Digest realm="unterminated"']);
    expect(parseChallenges('Basic YWRtaW46MTIzNDU=').map(challengeBanner)).toEqual([null]); // token68: no realm
    expect(parseChallenges(',,, =, ="x" ,').map(challengeBanner).filter(Boolean)).toEqual([]);
  });

  it('caps the work a hostile header can cause', () => {
    const many = Array.from({ length: 100 }, (_, i) => `S${i} realm="r${i}"`).join(', ');
    expect(parseChallenges(many).length).toBeLessThanOrEqual(8);
    const huge = `Digest realm="${'x'.repeat(100_000)}"`;
    expect(challengeBanner(parseChallenges(huge)[0]!)!.length).toBeLessThan(300);
    const ctl = challengeBanner(parseChallenges('Digest realm="a\u0000b\r\nSet-Cookie: x"')[0]!);
    expect(ctl).toBe('Digest realm="a b Set-Cookie: x"');
    for (let seed = 1; seed <= 100; seed++) expect(() => parseChallenges(randomBytesText(300, seed))).not.toThrow();
  });
});

describe('parseRpc2Challenge', () => {
  it('reads the MAC and realm Dahua discloses to an empty first-stage login', () => {
    expect(parseRpc2Challenge(fixture('http/dahua-rpc2-login-challenge.json'))).toEqual({
      realm: 'Login to 4C045ADPAG60CD',
      mac: '3c:ef:8c:61:01:c0',
      encryption: 'Default',
      errorCode: 268632079,
    });
  });

  it('returns null for anything that is not such a challenge', () => {
    for (const body of ['', 'Not Found\n', '<html></html>', 'null', '[]', '{"params":[]}', '{"params":{}}', '{"params":{"mac":"zz","realm":7}}']) {
      expect(parseRpc2Challenge(body), body).toBeNull();
    }
    expect(parseRpc2Challenge(`{"params":{"realm":"${'a'.repeat(70_000)}"}}`)).toBeNull();
  });

  it('survives every truncation and mutation of the real answer', () => {
    const text = fixture('http/dahua-rpc2-login-challenge.json');
    for (let cut = 0; cut < text.length; cut++) expect(() => parseRpc2Challenge(text.slice(0, cut))).not.toThrow();
    for (const m of mutations(text, 300, 7)) {
      const r = parseRpc2Challenge(m);
      if (r?.realm) expect(r.realm.length).toBeLessThanOrEqual(128);
    }
  });

  it('ignores a hostile realm and odd MACs without trusting them', () => {
    expect(parseRpc2Challenge('{"params":{"realm":"Login to X\\r\\nY","mac":"ffffffffffff"}}')).toEqual({ realm: 'Login to X Y', mac: null, encryption: null, errorCode: null });
    expect(parseRpc2Challenge('{"__proto__":{"params":{"realm":"p"}}}')).toBeNull();
  });
});

describe('xmlRootNamespace', () => {
  it('reads the default namespace of a real Hikvision ISAPI document', () => {
    expect(xmlRootNamespace(fixture('http/hikvision-ds-7208huhi-deviceinfo.xml'))).toBe('http://www.hikvision.com/ver20/XMLSchema');
  });

  it('returns null for non-XML, prefixed-only namespaces, DOCTYPEs and truncations', () => {
    expect(xmlRootNamespace('<html><body>401</body></html>')).toBeNull();
    expect(xmlRootNamespace('<a:b xmlns:a="urn:x"/>')).toBeNull();
    expect(xmlRootNamespace(BILLION_LAUGHS)).toBeNull();
    expect(xmlRootNamespace('Unauthorized')).toBeNull();
    const text = fixture('http/hikvision-ds-7208huhi-deviceinfo.xml');
    for (let cut = 0; cut < 120; cut++) expect(xmlRootNamespace(text.slice(0, cut))).toBeNull();
  });
});

describe('htmlTitle', () => {
  it('reads, decodes and collapses the first title', () => {
    expect(htmlTitle('<html><head><TITLE>\n  WEB SERVICE\n</TITLE></head></html>')).toBe('WEB SERVICE');
    expect(htmlTitle('<title>A &amp; B &#x41;&#66;</title><title>second</title>')).toBe('A & B AB');
    expect(htmlTitle('<title lang="en"><b>x</b></title>')).toBe('x');
  });

  it('returns null without a title, for an empty one, and stays bounded', () => {
    expect(htmlTitle('<html></html>')).toBeNull();
    expect(htmlTitle('<title>   </title>')).toBeNull();
    expect(htmlTitle('<title>unterminated')).toBeNull();
    expect(htmlTitle(`<title>${'t'.repeat(3000)}</title>`)!.length).toBeLessThanOrEqual(256);
    expect(htmlTitle('<title>&#0;&#xD800;&#x110000;x</title>')).toBe('x');
    expect(htmlTitle(`${'<'.repeat(300_000)}<title>late</title>`)).toBeNull();
  });
});

describe('pagePaths and urlPath', () => {
  it("finds a script redirect's target, form actions and JSON paths, in document order", () => {
    const page =
      '<script>window.location.href = "/doc/page/login.asp?_" + (new Date()).getTime();</script>' +
      '<link rel="stylesheet" href="/css/login.css"><form action="/RPC2_Login"></form>' +
      '<script>var q = {"method":"global.login"}; post(\'./cgi-bin/x.cgi\');</script>' +
      '<meta http-equiv="refresh" content="0; url=/index.asp">';
    expect(pagePaths(page)).toEqual(['/doc/page/login.asp', '/RPC2_Login', '/cgi-bin/x.cgi', '/index.asp']);
  });

  it('drops protocol-relative, unsafe and oversized paths, and caps the count', () => {
    expect(pagePaths('<a href="//evil.example/x"></a><a href="/a b"></a><a href="/"></a>')).toEqual([]);
    expect(pagePaths(`<a href="/${'a'.repeat(300)}"></a>`)).toEqual([]);
    const many = Array.from({ length: 50 }, (_, i) => `<a href="/p${i}">`).join('');
    expect(pagePaths(many)).toHaveLength(16);
  });

  it('turns Location values into paths', () => {
    expect(urlPath('http://192.168.1.64:80/index.asp')).toBe('/index.asp');
    expect(urlPath('/doc/page/login.asp?_=1')).toBe('/doc/page/login.asp');
    expect(urlPath('login.html')).toBeNull();
    expect(urlPath('javascript:alert(1)')).toBeNull();
  });

  it('never throws on random or mutated pages', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const text = randomBytesText(500, seed);
      expect(() => pagePaths(text)).not.toThrow();
      expect(() => htmlTitle(text)).not.toThrow();
    }
  });
});

describe('printable', () => {
  it('removes control characters and caps the length', () => {
    expect(printable(' a\tb\u0007c ')).toBe('a b c');
    expect(printable('x'.repeat(1000), 10)).toBe('x'.repeat(10));
  });
});
