// parseXml (now src/protocols/xml-parse.ts) against the fast-xml-parser 5.12 pipeline it replaced, kept here as the
// oracle: on every fixture, the lab's payloads, the hostile corpora, fuzzed variants of them and hand-written edge
// cases, under three option sets, the two give the same objects with the same key order, or both refuse. The one
// other outcome allowed is a case of STRICTER: malformed XML that fast-xml-parser accepted and parseXml refuses.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/core/errors.js';
import { billionLaughs, deviceInformationDoc, probeMatchesDoc, xxe } from '../../src/lab/payloads/hostile.js';
import { deviceInformationBody, faultBody, networkInterfacesBody, PAYLOADS, systemDateAndTimeBody } from '../../src/lab/payloads/index.js';
import { DEFAULT_MAX_XML_BYTES, decodeXmlText, parseXml, type ParseXmlOptions } from '../../src/protocols/xml.js';
import { FC_PARAMS, inputs } from './fuzz-harness.js';
import { BILLION_LAUGHS, mutations, randomBytesText, XXE } from './hostile.js';

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };
type Verdict = 'equal' | 'both refuse' | 'stricter';

/** parseXml as it was: size cap, leading BOM and whitespace, DOCTYPE refusal, fast-xml-parser's validator and parser, one root. */
function oracle(text: string, opts: ParseXmlOptions): Outcome {
  if (Buffer.byteLength(text, 'utf8') > (opts.maxBytes ?? DEFAULT_MAX_XML_BYTES)) return { ok: false, error: 'too large' };
  const doc = text.replace(/^[\uFEFF\s]+/, '');
  if (/<!(?:DOCTYPE|ENTITY)/i.test(doc)) return { ok: false, error: 'DOCTYPE' };
  try {
    const verdict = XMLValidator.validate(doc);
    if (verdict !== true) return { ok: false, error: verdict.err.msg };
    const arrays = new Set(opts.arrays ?? []);
    const out: unknown = new XMLParser({
      removeNSPrefix: true,
      ignoreAttributes: !opts.attributes,
      attributeNamePrefix: '@_',
      processEntities: false,
      htmlEntities: false,
      parseTagValue: false,
      parseAttributeValue: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
      trimValues: true,
      isArray: (name: string) => arrays.has(name),
      tagValueProcessor: (_name: string, value: string) => decodeXmlText(value),
      attributeValueProcessor: (_name: string, value: string) => decodeXmlText(value),
    }).parse(doc);
    const roots = Object.keys(out as object);
    const root = roots.length === 1 ? (out as Record<string, unknown>)[roots[0]!] : undefined;
    if (root === undefined || (Array.isArray(root) && root.length !== 1)) return { ok: false, error: 'not exactly one root element' };
    return { ok: true, value: out };
  } catch (err) {
    return { ok: false, error: String(err) };
  }
}

function subject(text: string, opts: ParseXmlOptions): Outcome {
  try {
    return { ok: true, value: parseXml(text, opts) };
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    return { ok: false, error: err.message };
  }
}

/**
 * Malformed XML that fast-xml-parser accepted and parseXml refuses on purpose: each with an example (which the oracle
 * must still accept, or the entry is stale) and the error parseXml gives.
 */
const STRICTER: readonly { readonly why: string; readonly examples: readonly string[]; readonly error: RegExp }[] = [
  {
    why: 'text after a self-closing root: the validator only refused text after the root once an end tag had closed it',
    examples: ['<a/>hello', '<a/>\u0000', '<r/>&amp;'],
    error: /text outside the root element/,
  },
  {
    why: 'CDATA outside the root: the validator skipped it and the parser dropped it when empty',
    examples: ['<![CDATA[]]><r/>', '<r/><![CDATA[]]>'],
    error: /CDATA outside the root element/,
  },
  {
    why: "'<!' starting neither a comment nor CDATA: the parser made `<!-x>` an element named \"!-x\" and read `<![FOO[x]]>` as CDATA from a fixed offset",
    examples: ['<r><!-x></r>', '<r><![FOO[x]]></r>', '<r><!ELEMENT r ANY></r>'],
    error: /'<!' that starts neither a comment nor CDATA/,
  },
  {
    why: "'<' in an attribute value is not XML; the validator never looked inside values",
    examples: ['<r a="<"/>', "<r a='x<y'>t</r>"],
    error: /'<' in the value of attribute/,
  },
  {
    why: "a bare '&' in an attribute value (the validator checked references in text only), and a character reference without digits",
    examples: ['<r a="A & B"/>', '<r a="&;"/>', '<r>&#;</r>', '<r>&#x;</r>'],
    error: /'&' that starts no character or entity reference/,
  },
  {
    why: 'an XML declaration (or a PI named xml in any case) past the start: the validator checked its place only outside elements',
    examples: ['<r><?xml version="1.0"?></r>', '<?XML version="1.0"?><r/>', '<r><?Xml?></r>'],
    error: /XML declaration not at the start of the document/,
  },
  {
    why: "a PI whose quotes the validator and the parser read differently (the parser skipped a quoted '?>', the validator did not), or whose target is missing, has a colon or runs into its data",
    examples: ['<r><?pi a="?>"?>x</r>', '<r><?>?></r>', '<?> ?><r/>', '<r><?a:b?></r>', '<r><?pi"x"?></r>'],
    error: /unbalanced quote in a processing instruction|processing instruction (?:name expected|target)/,
  },
  {
    why: "an end tag with more than the name and XML whitespace: the validator read `</a/>` as an empty-element tag and ignored it, and the parser trimmed U+00A0",
    examples: ['<r><a></a/></a></r>', '<r></r \u00A0>'],
    error: /end tag <\/\w+> is not closed by '>'/,
  },
  {
    why: 'names that are not namespace-well-formed (two colons, an empty prefix or local part, a local part starting with a digit): the parser made keys such as "b:c", "" and "1"',
    examples: ['<a:b:c/>', '<:a/>', '<a:/>', '<a:1/>', '<r a:b:c="1"/>', '<r :a="1"/>'],
    error: /name with an empty local part or a second colon|(?:element|attribute) name expected/,
  },
  {
    why: "a stray '=' between attributes, which the validator skipped",
    examples: ['<r a="1" = b="2"/>'],
    error: /attribute name expected/,
  },
  {
    why: 'U+FEFF or U+1680 in a name: XML name characters to the validator, whitespace to the parser, which split the name there',
    examples: ['<a\uFEFFb/>', '<r a\u1680b="1"/>'],
    error: /name with a character JavaScript counts as whitespace/,
  },
];

const OPTIONS: readonly ParseXmlOptions[] = [
  {},
  { attributes: true },
  { attributes: true, arrays: ['ProbeMatch', 'address', 'Scopes', 'Text', 'a', 'r', 'Envelope', '@_x', '@_addr'] },
];

/** Compares the two on one input under one option set; fails the test unless they agree or parseXml is STRICTER. */
function compare(text: string, opts: ParseXmlOptions): Verdict {
  const before = oracle(text, opts);
  const after = subject(text, opts);
  const shown = JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…` : text);
  if (after.ok) {
    if (!before.ok) expect.unreachable(`parseXml accepted what fast-xml-parser refused (${before.error}), with ${JSON.stringify(opts)}: ${shown}`);
    // Same key order as well as the same values and prototypes.
    expect(JSON.stringify(after.value), shown).toBe(JSON.stringify(before.value));
    expect(after.value, shown).toStrictEqual(before.value);
    return 'equal';
  }
  if (!before.ok) return 'both refuse';
  expect(STRICTER.some((s) => s.error.test(after.error)), `parseXml refused for no listed reason (${after.error}): ${shown}`).toBe(true);
  return 'stricter';
}

function compareAll(texts: readonly string[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { equal: 0, 'both refuse': 0, stricter: 0 };
  for (const opts of OPTIONS) for (const t of texts) counts[compare(t, opts)]++;
  return counts;
}

function filesUnder(dir: URL): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const url = new URL(name, dir);
      return statSync(url).isDirectory() ? filesUnder(new URL(`${name}/`, dir)) : [readFileSync(url, 'utf8')];
    });
}

const FIXTURES = filesUnder(new URL('../fixtures/', import.meta.url));
const XML_FIXTURES = FIXTURES.filter((t) => t.replace(/^[\uFEFF\s]+/, '').startsWith('<'));

const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const PROBE = {
  relatesTo: 'uuid:6a2f0c1e-0000-4000-8000-000000000001',
  freshUuid: '6a2f0c1e-0000-4000-8000-000000000002',
  endpoint: 'urn:uuid:6a2f0c1e-0000-4000-8000-000000000003',
  types: 'dn:NetworkVideoTransmitter tds:Device',
  scopes: ['onvif://www.onvif.org/type/video_encoder', 'onvif://www.onvif.org/name/A&B <x>'],
  xaddrs: ['http://198.18.0.11/onvif/device_service'],
  metadataVersion: 1,
  instanceId: 7,
  messageNumber: 2,
};
/** What the lab's devices send: every vendor's ProbeMatches, responses and fault, and the hostile service's documents. */
const LAB = [
  ...Object.values(PAYLOADS).flatMap((p) => [
    p.probeMatches(PROBE),
    p.response(deviceInformationBody({ manufacturer: 'Hik & "Vision"', model: 'DS-2CD', firmwareVersion: 'V5.5.0', serialNumber: 'S1', hardwareId: '88' })),
    p.response(systemDateAndTimeBody(NOW, 'CST-8:00:00')),
    p.response(networkInterfacesBody('28:57:be:65:7d:d5', '198.18.0.11', 24)),
    p.fault({ code: 'Sender', subcode: 'ter:NotAuthorized', reason: 'Sender not Authorized' }),
  ]),
  deviceInformationDoc(),
  probeMatchesDoc('uuid:x', 'urn:uuid:y', 'http://198.18.0.12/onvif/device_service'),
  xxe(deviceInformationDoc(), 'http://198.18.64.200/x'),
  billionLaughs(deviceInformationDoc()),
  faultBody('s', { code: 'Receiver', subcode: 'ter:Action', reason: 'r' }),
];

describe('parseXml against fast-xml-parser', () => {
  it('agrees on every fixture, and accepts every XML fixture without a DOCTYPE', () => {
    const counts = compareAll(FIXTURES);
    expect(counts.stricter).toBe(0);
    const plain = XML_FIXTURES.filter((t) => !t.includes('<!DOCTYPE'));
    expect(plain.length).toBeGreaterThanOrEqual(12);
    for (const t of plain) for (const opts of OPTIONS) expect(compare(t, opts)).toBe('equal');
  });

  it("agrees on the lab's payloads", () => {
    const counts = compareAll(LAB);
    expect(counts.stricter).toBe(0);
    expect(counts.equal).toBeGreaterThanOrEqual(3 * (LAB.length - 2));
  });

  it('agrees on the hostile corpora: entity attacks, random bytes, and single-character edits of every XML fixture', () => {
    const edits = [...XML_FIXTURES, ...LAB].flatMap((t, i) => mutations(t, 150, 1000 + i));
    const counts = compareAll([BILLION_LAUGHS, XXE, randomBytesText(4096, 7), randomBytesText(4096, 8), ...edits]);
    // Many single edits leave the document well-formed, so this compares outputs, not just refusals.
    expect(counts.equal).toBeGreaterThan((counts.equal + counts['both refuse'] + counts.stricter) / 3);
  });

  it.each(OPTIONS.map((o) => [JSON.stringify(o), o] as const))('agrees on fuzzed variants of the XML fixtures, with %s', (_label, opts) => {
    const seeds = [...XML_FIXTURES, ...LAB].map((t) => Buffer.from(t));
    const counts: Record<Verdict, number> = { equal: 0, 'both refuse': 0, stricter: 0 };
    fc.assert(
      fc.property(inputs(seeds), (input) => {
        counts[compare(input.toString('utf8'), opts)]++;
      }),
      { ...FC_PARAMS, numRuns: 4 * FC_PARAMS.numRuns },
    );
    expect(counts.equal).toBeGreaterThan(0);
  });
});

describe('edge cases', () => {
  const deep = (n: number, inner = '') => `${'<a>'.repeat(n)}${inner}${'</a>'.repeat(n)}`;
  const EQUAL: readonly (readonly [string, string])[] = [
    ['CDATA: kept untrimmed, decoded like text', '<r> a <![CDATA[ <b> &lt; & ]]> c </r>'],
    ['an empty CDATA section', '<r><![CDATA[]]></r>'],
    ['CDATA beside child elements', '<r><![CDATA[x]]><b/><![CDATA[y]]></r>'],
    ['a comment inside text: one run', '<r> a <!-- x --> b </r>'],
    ['a comment between elements', '<r><a>1</a><!-- c --><a>2</a></r>'],
    ['a PI inside text: two runs, joined with nothing', '<r> a <?pi x?> b </r>'],
    ['mixed content', '<r x="1">a<b>x</b> c <b>y</b>d</r>'],
    ['the predefined entities and character references', '<r>&lt;&gt;&amp;&quot;&apos; &#65;&#x42;&#x6a; &#0; &#xD800; &#1114112; &#99999999;</r>'],
    ['entity references left as written', '<r>&nbsp; &copy; &a1_b; &abcdefghijklmnopqrst;</r>'],
    ['a reference at the edge of a trimmed run', '<r>&#32;x&#10;</r>'],
    ['an entity name of 21 characters', '<r>&abcdefghijklmnopqrstu;</r>'],
    ['an upper-case X in a character reference', '<r>&#X41;</r>'],
    ['a stray ampersand in text', '<r>A & B</r>'],
    ['attributes with and without namespaces', '<s:r xmlns:s="urn:s" xmlns="urn:d" s:id="1" id2=\'2\' xml:lang="en"><s:v a="x">t</s:v></s:r>'],
    ['two attributes with one local name: the last wins', '<r a:x="1" b:x="2" y="3"/>'],
    ['attribute values trimmed and decoded', '<r a="  &#32;x &amp; y\n\t" b="" c=" "/>'],
    ['only namespace declarations: no attributes', '<r xmlns="urn:a" xmlns:b="urn:b">t</r>'],
    ['attributes named like Object.prototype keys', '<r __proto__="x" constructor="y" toString="z"><polluted>no</polluted></r>'],
    ['repeated elements', '<r><a>1</a><b>2</b><a>3</a><a/></r>'],
    ['a root listed in arrays', '<a>1</a>'],
    ['an attribute key listed in arrays', '<r x="1" y="2"><a x="3"/></r>'],
    ['a BOM and whitespace before the declaration', '\uFEFF \n <?xml version="1.0" encoding="UTF-8"?>\n<r>x</r>'],
    ['a PI and comments in the prolog and after the root', '<?xml version="1.0"?><?xml-stylesheet href="a?b"?><!-- c --><r/><!-- d --><?pi?>\n'],
    ['self-closing tags', '<r><a/><a /><a\n/><b x="1"/></r>'],
    ['empty elements', '<r><a></a><b> </b><c x="1"></c><d>\n</d></r>'],
    ['whitespace in tags', '<r\n\tx = "1"\n><a\t>t</a\n></r >'],
    ['CRLF and CR line ends', '<r a="1\r\n2\r3">\r\nx\ry\r\n</r>'],
    ['whitespace JavaScript trims but XML does not', '<r>\u00A0\uFEFF x \u2028</r>'],
    ['NUL and other control characters in text', '<r>\u0000a\u0001</r>'],
    ['> and ]]> in text, > in attributes', '<r a=">">1 > 0 ]]></r>'],
    ['quotes of the other kind inside a value', `<r a="it's" b='say "hi"'/>`],
    ['non-ASCII names', '<ü:Ωmega xmlns:ü="urn:u"><é.b-c_d·>x</é.b-c_d·></ü:Ωmega>'],
    ['names that shadow Object.prototype methods', '<r><toString>1</toString><__toString>2</__toString><hasOwnProperty/><isPrototypeOf/></r>'],
    ['101 levels of nesting', deep(101)],
    ['an empty-element tag at level 102', deep(101, '<b/>')],
    ['102 levels of nesting', deep(102)],
    ['an element named __proto__', '<r><__proto__><polluted>yes</polluted></__proto__></r>'],
    ['an element named constructor behind a prefix', '<r xmlns:a="urn:a"><a:constructor/></r>'],
    ['an element named prototype', '<prototype/>'],
    ['unclosed', '<r><a>1</r>'],
    ['truncated', '<r><a>1</a>'],
    ['mismatched', '<r><a></b></r>'],
    ['an end tag with a different prefix', '<a:r xmlns:a="u" xmlns:b="u"></b:r>'],
    ['two roots', '<r/><q/>'],
    ['two roots of one name', '<r>1</r><r>2</r>'],
    ['text after the root', '<r>1</r>tail'],
    ['an element after the root', '<r/>\n<!-- c --><q/>'],
    ['text before the root', 'x<r/>'],
    ['nothing but a declaration and a comment', '<?xml version="1.0"?><!-- c -->'],
    ['an unclosed comment', '<r><!-- x</r>'],
    ['an unclosed CDATA section', '<r><![CDATA[ x</r>'],
    ['an unclosed PI', '<r><?pi x</r>'],
    ['an unclosed start tag', '<r a="1"'],
    ['an unclosed quote', '<r a="1>x</r>'],
    ['an unquoted value', '<r a=1/>'],
    ['an attribute without a value', '<r a/>'],
    ['attributes without whitespace between them', '<r a="1"b="2"/>'],
    ['a duplicate attribute', '<r a="1" a="2"/>'],
    ['a duplicate prefixed attribute', '<r x:a="1" x:a="2"/>'],
    ['a space after <', '<r>< a/></r>'],
    ['a name starting with a digit', '<1r/>'],
    ['an end tag with an attribute', '<r></r a="1">'],
    ['an end tag before any start tag', '</r><r/>'],
    ['U+00A0 inside a start tag', '<r a="1"\u00A0/>'],
    ['an XML declaration after a comment', '<!-- c --><?xml version="1.0"?><r/>'],
    ['a DOCTYPE', '<!DOCTYPE r><r/>'],
    ['empty', ''],
    ['whitespace only', ' \n\t'],
  ];

  it.each(EQUAL)('%s: the same result, or both refuse', (_label, text) => {
    for (const opts of OPTIONS) expect(compare(text, opts)).not.toBe('stricter');
  });

  it('accepts and rejects the nesting boundary where fast-xml-parser did', () => {
    expect(subject(deep(101), {}).ok).toBe(true);
    expect(subject(deep(101, '<b/>'), {}).ok).toBe(true);
    expect(subject(deep(102), {})).toMatchObject({ ok: false, error: expect.stringMatching(/nested deeper than 101 levels/) });
    expect(oracle(deep(102), {}).ok).toBe(false);
  });

  it('keeps the objects it builds off Object.prototype', () => {
    const doc = parseXml('<r __proto__="x" constructor="y"><toString>1</toString><isPrototypeOf>2</isPrototypeOf></r>', { attributes: true });
    const r = doc['r'] as Record<string, unknown>;
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    expect(Object.keys(r)).toEqual(['__toString', 'isPrototypeOf', '@___proto__', '@_constructor']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  describe.each(STRICTER.map((s) => [s.why, s] as const))('refuses on purpose: %s', (_why, s) => {
    it.each(s.examples)('%j', (example) => {
      for (const opts of OPTIONS) {
        expect(oracle(example, opts).ok, 'fast-xml-parser accepts it (or this entry is stale)').toBe(true);
        const after = subject(example, opts);
        expect(after).toMatchObject({ ok: false, error: expect.stringMatching(s.error) });
        expect(compare(example, opts)).toBe('stricter');
      }
    });
  });
});
