// The one safe XML entry point. Every byte parsed here came from the network or from a tool that
// echoes network data, so: a size cap, no DTDs at all, no entity expansion, strict well-formedness,
// and every failure surfaces as ParseError.
//
// The parsing itself is xml-parse.ts, a strict single-pass reader written for this (fast-xml-parser's
// validator plus parser cost 0.2 to 3 ms a document and 12 ms to load, on the scan's only thread). It keeps
// fast-xml-parser's output shape, which test/protocols/xml-differential.test.ts checks against that package.
// It refuses `__proto__`, `constructor` and `prototype` as element names, renames `toString`,
// `hasOwnProperty`, … to `__toString`, …, and caps nesting at 101 levels. Readers must still use
// `child`/`children`/`textOf` below: they look at own properties only.

import { ParseError } from '../core/errors.js';
import { decodeXmlText, parseXmlTree, type XmlNode, type XmlValue } from './xml-parse.js';

export { decodeXmlText, type XmlNode, type XmlValue };

export const DEFAULT_MAX_XML_BYTES = 256 * 1024;

export interface ParseXmlOptions {
  /** Reject documents larger than this many UTF-8 bytes (default 256 KiB). */
  readonly maxBytes?: number;
  /** Local element names that always come back as arrays, even when they occur once. */
  readonly arrays?: readonly string[];
  /** Keep attributes as `@_name` keys (default false: attributes are dropped). */
  readonly attributes?: boolean;
}

const MAX_NAMESPACES = 256;
const NO_ARRAYS: ReadonlySet<string> = new Set();

/**
 * Parse `text` into plain objects keyed by local name (namespace prefixes removed). Values stay
 * strings (no number coercion: a HardwareId of "1.00" must not become 1). Throws ParseError for:
 * oversize input, any DOCTYPE or ENTITY declaration, malformed XML, or a dangerous element name.
 */
export function parseXml(text: string, opts: ParseXmlOptions = {}): XmlNode {
  if (typeof text !== 'string') throw new ParseError('XML input is not a string');
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  // UTF-8 never takes fewer bytes than UTF-16 code units, so the cheap length check comes first.
  if (text.length > maxBytes || Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new ParseError(`XML document larger than ${maxBytes} bytes`);
  }
  const doc = stripLeadingJunk(text);
  // Refused before any parser sees it: without a DTD there is nothing to expand or fetch.
  if (/<!(?:DOCTYPE|ENTITY)/i.test(doc)) throw new ParseError('XML with a DOCTYPE or ENTITY declaration is refused');

  return parseXmlTree(doc, { arrays: opts.arrays?.length ? new Set(opts.arrays) : NO_ARRAYS, attributes: opts.attributes === true });
}

/** Own-property child element; the first one when it repeats. */
export function child(node: XmlValue | undefined, name: string): XmlValue | undefined {
  if (!isNode(node) || !Object.hasOwn(node, name)) return undefined;
  const v = node[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Every own-property child element of that name, at most `max`. */
export function children(node: XmlValue | undefined, name: string, max: number): readonly XmlValue[] {
  if (!isNode(node) || !Object.hasOwn(node, name)) return [];
  const v = node[name];
  return (Array.isArray(v) ? v : [v]).slice(0, max);
}

/** Walk a path of local names, taking the first element at each step. */
export function path(node: XmlValue | undefined, ...names: string[]): XmlValue | undefined {
  let cur = node;
  for (const n of names) cur = child(cur, n);
  return cur;
}

/** Text content of an element (its `#text` when it also has attributes or children), or null. */
export function textOf(value: XmlValue | undefined): string | null {
  if (typeof value === 'string') return value;
  if (isNode(value) && Object.hasOwn(value, '#text')) {
    const t = value['#text'];
    return typeof t === 'string' ? t : null;
  }
  return null;
}

/** An attribute value, when the document was parsed with `attributes: true`. */
export function attrOf(value: XmlValue | undefined, name: string): string | null {
  if (!isNode(value) || !Object.hasOwn(value, `@_${name}`)) return null;
  const v = value[`@_${name}`];
  return typeof v === 'string' ? v : null;
}

export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Namespace URIs declared on the root element (`xmlns:*` and a default `xmlns`), in document order,
 * de-duplicated. A vendor fingerprint: Hikvision declares http://www.hikvision.com/2011/event/topics,
 * Axis http://www.axis.com/2009/event/topics. Reads only the root start tag; never throws; [] when
 * there is no readable root tag.
 */
export function namespacesOf(text: string, maxBytes = DEFAULT_MAX_XML_BYTES): string[] {
  if (typeof text !== 'string') return [];
  const doc = stripLeadingJunk(text.length > maxBytes ? text.slice(0, maxBytes) : text);
  const tag = rootStartTag(doc);
  if (tag === null) return [];
  const found: string[] = [];
  for (const [name, raw] of attributesOf(tag)) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    const uri = decodeXmlText(raw.trim());
    if (uri && !found.includes(uri)) found.push(uri);
    if (found.length >= MAX_NAMESPACES) break;
  }
  return found;
}

/** The text of the first start tag after the prolog (XML declaration, PIs, comments), or null. */
function rootStartTag(doc: string): string | null {
  let i = 0;
  for (;;) {
    while (i < doc.length && /\s/.test(doc[i]!)) i++;
    if (doc.startsWith('<?', i)) {
      const end = doc.indexOf('?>', i + 2);
      if (end < 0) return null;
      i = end + 2;
    } else if (doc.startsWith('<!--', i)) {
      const end = doc.indexOf('-->', i + 4);
      if (end < 0) return null;
      i = end + 3;
    } else break;
  }
  if (doc[i] !== '<' || !/[A-Za-z_]/.test(doc[i + 1] ?? '')) return null;
  const end = endOfTag(doc, i);
  return end < 0 ? null : doc.slice(i, end + 1);
}

/**
 * `name="value"` pairs of one start tag, scanned by hand: a regular expression here would backtrack
 * quadratically on a long attribute name with no `=`.
 */
function* attributesOf(tag: string): Generator<[string, string]> {
  let i = tag.search(/[\s/>]/); // skip `<name`
  if (i < 0) return;
  while (i < tag.length) {
    while (i < tag.length && /[\s/]/.test(tag[i]!)) i++;
    const nameStart = i;
    while (i < tag.length && !/[\s=/>]/.test(tag[i]!)) i++;
    const name = tag.slice(nameStart, i);
    while (i < tag.length && /\s/.test(tag[i]!)) i++;
    if (tag[i] !== '=') {
      if (i === nameStart) i++; // a stray character: step over it
      continue;
    }
    i++;
    while (i < tag.length && /\s/.test(tag[i]!)) i++;
    const quote = tag[i];
    if (quote !== '"' && quote !== "'") continue;
    const end = tag.indexOf(quote, i + 1);
    if (end < 0) return;
    yield [name, tag.slice(i + 1, end)];
    i = end + 1;
  }
}

/** Index of the `>` closing the tag that starts at `start`, skipping quoted attribute values; -1 if absent. */
function endOfTag(text: string, start: number): number {
  let quote = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  return -1;
}

/** Escape text for an element body or a double-quoted attribute. */
export function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => ESCAPES[c as keyof typeof ESCAPES]);
}

const ESCAPES = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' } as const;

/** A BOM and whitespace before the XML declaration: seen in real captures and harmless, though not XML. */
function stripLeadingJunk(text: string): string {
  return text.replace(/^[\uFEFF\s]+/, '');
}
