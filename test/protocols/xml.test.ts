import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/core/errors.js';
import { child, children, decodeXmlText, escapeXml, namespacesOf, parseXml, path, textOf } from '../../src/protocols/xml.js';
import { BILLION_LAUGHS, expectParseError, fixture, randomBytesText, XXE } from './hostile.js';

describe('parseXml', () => {
  it('removes namespace prefixes and keeps every value a string', () => {
    const doc = parseXml('<a:Env xmlns:a="urn:x"><a:Body><b:V xmlns:b="urn:y">1.00</b:V><W>0x10</W></a:Body></a:Env>');
    expect(path(doc, 'Env', 'Body', 'V')).toBe('1.00');
    expect(path(doc, 'Env', 'Body', 'W')).toBe('0x10');
  });

  it('tolerates a BOM and whitespace before the XML declaration', () => {
    expect(path(parseXml('\uFEFF \n <?xml version="1.0"?>\n<r><a>x</a></r>'), 'r', 'a')).toBe('x');
  });

  it('decodes the predefined entities and character references, and nothing else', () => {
    const doc = parseXml('<r a="&quot;q&quot;"><t>AT&amp;T &#65;&#x42; &lt;x&gt; &apos;</t><u>&amp;lt; &#0; &#xD800; &#1114112;</u></r>', { attributes: true });
    expect(path(doc, 'r', 't')).toBe("AT&T AB <x> '");
    expect(path(doc, 'r', 'u')).toBe('&lt; &#0; &#xD800; &#1114112;'); // single pass; non-characters kept as written
    expect((child(doc, 'r') as Record<string, unknown>)['@_a']).toBe('"q"');
  });

  it('returns repeated and listed elements as arrays', () => {
    const doc = parseXml('<r><m>1</m><m>2</m><one>x</one></r>', { arrays: ['one'] });
    expect(children(child(doc, 'r'), 'm', 10)).toEqual(['1', '2']);
    expect(children(child(doc, 'r'), 'm', 1)).toEqual(['1']);
    expect(child(child(doc, 'r'), 'one')).toBe('x');
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE r><r/>'],
    ['a lower-case doctype', '<!doctype r><r/>'],
    ['billion laughs', BILLION_LAUGHS],
    ['XXE', XXE],
    ['a bare ENTITY declaration', '<r><!ENTITY x "y"></r>'],
  ])('refuses %s before parsing', (_label, text) => {
    expectParseError(() => parseXml(text), /DOCTYPE or ENTITY/);
  });

  it.each([
    ['empty', ''],
    ['text only', 'hello'],
    ['garbage', '\u0000\u0001\u0002abc'],
    ['unclosed', '<r><a>1</r>'],
    ['truncated', '<r><a>1</a>'],
    ['mismatched', '<r><a></b></r>'],
    ['two roots', '<r/><q/>'],
    ['two roots of one name', '<r/><r/>'],
    ['duplicate attribute', '<r a="1" a="2"/>'],
    ['a stray ampersand', '<r>A & B</r>'],
    ['nesting past 100 levels', '<a>'.repeat(200) + '</a>'.repeat(200)],
  ])('throws ParseError for %s', (_label, text) => {
    expectParseError(() => parseXml(text));
  });

  it('throws ParseError for a non-string', () => {
    expectParseError(() => parseXml(undefined as unknown as string));
    expectParseError(() => parseXml(Buffer.from('<r/>') as unknown as string));
  });

  it('caps the size in UTF-8 bytes', () => {
    const big = `<r>${'A'.repeat(300 * 1024)}</r>`;
    expectParseError(() => parseXml(big), /larger than 262144 bytes/);
    const wide = `<r>${'€'.repeat(90 * 1024)}</r>`; // 92 K code units, 276 KB of UTF-8
    expect(wide.length).toBeLessThan(256 * 1024);
    expectParseError(() => parseXml(wide), /larger than/);
    expectParseError(() => parseXml('<r>12345</r>', { maxBytes: 8 }), /larger than 8 bytes/);
  });

  it.each(['__proto__', 'constructor', 'prototype', 'a:__proto__'])('refuses an element named %s without polluting prototypes', (name) => {
    const text = `<r xmlns:a="urn:x"><${name}><polluted>yes</polluted></${name}></r>`;
    expectParseError(() => parseXml(text));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('keeps attributes named __proto__ as inert own keys', () => {
    const doc = parseXml('<r __proto__="x" constructor="y"><polluted>no</polluted></r>', { attributes: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(child(doc, 'r'))).toBe(Object.prototype);
  });

  it('renames Object.prototype method names instead of shadowing them', () => {
    const doc = parseXml('<r><toString>1</toString><hasOwnProperty>2</hasOwnProperty></r>');
    expect(child(doc, 'r')).toEqual({ __toString: '1', __hasOwnProperty: '2' });
  });

  it('wraps every failure in ParseError with a bounded message', () => {
    try {
      parseXml(`<r>${'<'.repeat(200_000)}</r>`);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ParseError);
      expect((err as Error).message.length).toBeLessThan(300);
    }
  });

  it.each([
    ['deep nesting', '<a>'.repeat(60_000)],
    ['a huge attribute name', `<r ${'a'.repeat(250_000)}/>`],
    ['many attributes', `<r ${Array.from({ length: 20_000 }, (_, i) => `a${i}="1"`).join(' ')}/>`],
    ['an open quote', `<r a="${'"'.repeat(250_000)}`],
    ['unclosed comments', `<r>${'<!--'.repeat(60_000)}</r>`],
    ['random bytes', randomBytesText(250_000, 7)],
  ])('finishes quickly on %s', (_label, text) => {
    const t0 = performance.now();
    try {
      parseXml(text);
    } catch (err) {
      expect(err).toBeInstanceOf(ParseError);
    }
    namespacesOf(text);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('accessors', () => {
  it('only ever read own properties', () => {
    expect(child({}, 'constructor')).toBeUndefined();
    expect(child({}, 'toString')).toBeUndefined();
    expect(children({}, '__proto__', 5)).toEqual([]);
    expect(textOf({})).toBeNull();
    expect(path('text', 'a')).toBeUndefined();
  });

  it('read #text of an element with attributes', () => {
    expect(textOf({ '#text': 'x', '@_a': '1' })).toBe('x');
  });
});

describe('namespacesOf', () => {
  it('lists the vendor namespaces of a Hikvision envelope', () => {
    const ns = namespacesOf(fixture('ws-discovery/hikvision-ds-2cd3955fwd-iws-probematch.xml'));
    expect(ns).toContain('http://www.hikvision.com/2011/event/topics');
    expect(ns).toContain('http://www.onvifext.com/onvif/ext/ver10/wsdl');
    expect(ns[0]).toBe('http://www.w3.org/2003/05/soap-envelope');
    expect(ns).toHaveLength(36);
  });

  it('skips the prolog, reads single quotes and the default namespace, de-duplicates', () => {
    const text = `<?xml version="1.0"?><!-- c --><?pi x?>\n<E xmlns="urn:d" xmlns:a='urn:a&amp;b' other="urn:no" xmlns:b="urn:d"><x xmlns:c="urn:inner"/></E>`;
    expect(namespacesOf(text)).toEqual(['urn:d', 'urn:a&b']);
  });

  it('returns [] for anything without a readable root tag, and never throws', () => {
    for (const t of ['', 'garbage', '<?xml', '<!-- open', '<r xmlns:a="unclosed', '< r>', undefined as unknown as string]) {
      expect(namespacesOf(t)).toEqual([]);
    }
  });
});

describe('escapeXml / decodeXmlText', () => {
  it('round-trip', () => {
    const s = `a<b>&"c'd`;
    expect(escapeXml(s)).toBe('a&lt;b&gt;&amp;&quot;c&apos;d');
    expect(decodeXmlText(escapeXml(s))).toBe(s);
  });
});
