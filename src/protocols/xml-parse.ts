// A strict, single-pass XML reader that builds the objects parseXml returns (xml.ts handles the size cap,
// the leading BOM and the DOCTYPE refusal before it runs).
//
// The object shape is fast-xml-parser 5.12's with the options camaudit used (removeNSPrefix, trimValues,
// no value parsing, `@_` attributes), which test/protocols/xml-differential.test.ts keeps it equal to,
// quirks included: each run of text between tags, PIs and CDATA sections is trimmed and decoded on its own and
// the runs are joined with nothing between them; a comment does not end a run; CDATA is decoded too; an element
// named like an Object.prototype method gets a `__` prefix; the last of two attributes with one local name wins.
//
// Where fast-xml-parser accepted malformed XML, this reader refuses it (the differential test lists each case):
// anything but whitespace, comments and PIs outside the root element; `<!` other than a comment or CDATA; `<`
// or a bare `&` in an attribute value; a stray `=` between attributes; a name with two colons or an empty
// prefix or local part; a character reference without digits; a misplaced or unbalanced PI.
//
// Every loop moves forward; every search (indexOf) either moves the cursor past what it found or ends the
// parse, and the searches for `<` and `&` remember their last answer, so the time is linear in the input.
// Nesting is capped and the element stack is an array, never the call stack.

import { ParseError } from '../core/errors.js';

/** A parsed element: child elements by local name, `@_name` attributes, `#text` for mixed content. */
export interface XmlNode {
  readonly [name: string]: XmlValue;
}
export type XmlValue = string | XmlNode | readonly XmlValue[];

export interface XmlTreeOptions {
  /** Local element names (and `@_name` attribute keys) that always come back as arrays. */
  readonly arrays: ReadonlySet<string>;
  /** Keep attributes as `@_name` keys. */
  readonly attributes: boolean;
}

/** An element may open while at most this many are open (fast-xml-parser's maxNestedTags): 101 levels. */
const MAX_NESTED = 100;
const MAX_NAME_IN_MESSAGE = 40;
/** Names that would replace an object's prototype or its constructor. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
/** Names that would shadow Object.prototype methods: stored with a `__` prefix, as fast-xml-parser does. */
const SHADOWING_NAMES = new Set(['hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);
const MAX_ENTITY_NAME = 20;
// XML 1.0 NameStartChar and NameChar within UTF-16's BMP, without the colon, U+1680 and U+FEFF. One
// character class and a repetition of another: no alternative to backtrack into.
const START_CHARS = 'A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u167F\\u1681-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFEFE\\uFF00-\\uFFFD';
const NAME_CHARS = `${START_CHARS}0-9\\-.\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
const NCNAME = new RegExp(`[${START_CHARS}][${NAME_CHARS}]*`, 'y');
const NAME_CHAR = new RegExp(`[${NAME_CHARS}:]`, 'y');

const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const COLON = 0x3a;
const HASH = 0x23;
const SEMICOLON = 0x3b;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

type Children = Record<string, unknown>;

interface OpenElement {
  /** The name as written, which the end tag must repeat. */
  readonly raw: string;
  /** The key in the parent: local name, renamed if it shadows a method. */
  readonly key: string;
  readonly attrs: Record<string, string> | null;
  children: Children | null;
  /** The element's text so far: trimmed and decoded runs, joined. */
  text: string;
}

/** Parse one XML document (already stripped of a leading BOM and refused if it has a DOCTYPE). */
export function parseXmlTree(text: string, opts: XmlTreeOptions): XmlNode {
  // XML's end-of-line handling; fast-xml-parser did the same before parsing.
  const doc = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  return new Reader(doc, opts).document();
}

class Reader {
  private pos = 0;
  private readonly open: OpenElement[] = [];
  /** Raw character data since the last run boundary, comments cut out. */
  private pending = '';
  private root: Children | null = null;
  private nextLt = -1;
  private nextAmp = -1;
  /** Set by name(): where the colon of the last name read is, or -1. */
  private colon = -1;

  constructor(
    private readonly doc: string,
    private readonly opts: XmlTreeOptions,
  ) {}

  document(): XmlNode {
    const { doc } = this;
    while (this.pos < doc.length) {
      const lt = this.findLt(this.pos);
      if (lt > this.pos) this.characters(lt);
      if (lt === doc.length) break;
      this.pos = lt;
      const c = doc.charCodeAt(lt + 1);
      if (c === SLASH) this.endTag();
      else if (c === BANG) this.markup();
      else if (c === QUESTION) this.instruction();
      else this.startTag();
    }
    const top = this.open.at(-1);
    if (top) this.fail(doc.length, `element <${clip(top.raw)}> is never closed`);
    if (this.root === null) this.fail(0, 'no root element');
    return this.root as XmlNode;
  }

  /** Character data up to `end`: only whitespace outside the root; references checked inside it. */
  private characters(end: number): void {
    const { doc } = this;
    if (this.open.length === 0) {
      for (let i = this.pos; i < end; i++) {
        if (!isSpace(doc.charCodeAt(i))) this.fail(i, 'text outside the root element');
      }
      return;
    }
    this.checkReferences(this.pos, end);
    this.pending += doc.slice(this.pos, end);
  }

  private startTag(): void {
    const { doc } = this;
    const start = this.pos;
    const nameEnd = this.name(start + 1, 'element');
    const raw = doc.slice(start + 1, nameEnd);
    const local = this.colon < 0 ? raw : doc.slice(this.colon + 1, nameEnd);
    if (FORBIDDEN_NAMES.has(local)) this.fail(start + 1, `Invalid name <${clip(raw)}>: it would reach Object.prototype`);
    const key = SHADOWING_NAMES.has(local) ? `__${local}` : local;
    if (this.open.length === 0 && this.root !== null) this.fail(start, 'a second root element');
    this.flush();

    let attrs: Record<string, string> | null = null;
    let seen: Set<string> | string | null = null;
    let i = nameEnd;
    for (;;) {
      const spaced = skipSpace(doc, i);
      const c = doc.charCodeAt(spaced);
      if (c === GT) {
        i = spaced + 1;
        break;
      }
      if (c === SLASH) {
        if (doc.charCodeAt(spaced + 1) !== GT) this.fail(spaced, `'/' inside start tag <${clip(raw)}>`);
        this.pos = spaced + 2;
        this.attach(key, valueOf(null, '', attrs, this.opts.arrays));
        return;
      }
      if (spaced >= doc.length) this.fail(start, `start tag <${clip(raw)}> is never closed`);
      if (spaced === i) this.fail(spaced, `attributes of <${clip(raw)}> need whitespace before each`);
      const attrEnd = this.name(spaced, 'attribute');
      const attrRaw = doc.slice(spaced, attrEnd);
      if (seen === attrRaw || (seen instanceof Set && seen.has(attrRaw))) this.fail(spaced, `attribute '${clip(attrRaw)}' is repeated`);
      seen = seen === null ? attrRaw : typeof seen === 'string' ? new Set([seen, attrRaw]) : seen.add(attrRaw);
      const colon = this.colon;
      const eq = skipSpace(doc, attrEnd);
      if (doc.charCodeAt(eq) !== EQUALS) this.fail(eq, `attribute '${clip(attrRaw)}' has no value`);
      const open = skipSpace(doc, eq + 1);
      const quote = doc.charCodeAt(open);
      if (quote !== DQUOTE && quote !== SQUOTE) this.fail(open, `value of attribute '${clip(attrRaw)}' is not quoted`);
      const close = doc.indexOf(quote === DQUOTE ? '"' : "'", open + 1);
      if (close < 0) this.fail(open, `value of attribute '${clip(attrRaw)}' is never closed`);
      if (this.findLt(open + 1) < close) this.fail(this.findLt(open + 1), `'<' in the value of attribute '${clip(attrRaw)}'`);
      this.checkReferences(open + 1, close);
      i = close + 1;
      if (!this.opts.attributes) continue;
      const attrLocal = colon < 0 ? attrRaw : doc.slice(colon + 1, attrEnd);
      // Namespace declarations are not attributes of the element.
      if (colon < 0 ? attrLocal === 'xmlns' : attrRaw.startsWith('xmlns:')) continue;
      (attrs ??= {})[`@_${attrLocal}`] = decodeXmlText(doc.slice(open + 1, close).trim());
    }
    this.pos = i;
    if (this.open.length > MAX_NESTED) this.fail(start, `elements nested deeper than ${MAX_NESTED + 1} levels`);
    this.open.push({ raw, key, attrs, children: null, text: '' });
  }

  private endTag(): void {
    const { doc } = this;
    const start = this.pos;
    const top = this.open.at(-1);
    if (!top) this.fail(start, 'end tag outside the root element');
    const after = start + 2 + top.raw.length;
    NAME_CHAR.lastIndex = after;
    if (!doc.startsWith(top.raw, start + 2) || NAME_CHAR.test(doc)) {
      this.fail(start, `end tag does not match <${clip(top.raw)}>`);
    }
    const gt = skipSpace(doc, after);
    if (doc.charCodeAt(gt) !== GT) this.fail(gt, `end tag </${clip(top.raw)}> is not closed by '>'`);
    this.pos = gt + 1;
    this.flush();
    this.open.pop();
    this.attach(top.key, valueOf(top.children, top.text, top.attrs, this.opts.arrays));
  }

  /** `<!`: a comment, or CDATA inside the root; nothing else (DOCTYPE is refused before parsing). */
  private markup(): void {
    const { doc } = this;
    const start = this.pos;
    if (doc.startsWith('<!--', start)) {
      const end = doc.indexOf('-->', start + 4);
      if (end < 0) this.fail(start, 'comment is never closed');
      this.pos = end + 3;
      return;
    }
    if (!doc.startsWith('<![CDATA[', start)) this.fail(start, "'<!' that starts neither a comment nor CDATA");
    const top = this.open.at(-1);
    if (!top) this.fail(start, 'CDATA outside the root element');
    const end = doc.indexOf(']]>', start + 9);
    if (end < 0) this.fail(start, 'CDATA section is never closed');
    this.flush();
    // Kept untrimmed, but decoded: fast-xml-parser ran its value processor on CDATA too.
    if (end > start + 9) top.text += decodeXmlText(doc.slice(start + 9, end));
    this.pos = end + 3;
  }

  /** `<?target …?>`: skipped, but it ends a run of text. The XML declaration may only open the document. */
  private instruction(): void {
    const { doc } = this;
    const start = this.pos;
    const targetEnd = this.name(start + 2, 'processing instruction');
    if (this.colon >= 0) this.fail(start + 2, 'processing instruction target with a colon');
    const target = doc.slice(start + 2, targetEnd);
    if (target.toLowerCase() === 'xml' && (start !== 0 || target !== 'xml')) this.fail(start, 'XML declaration not at the start of the document');
    if (doc.charCodeAt(targetEnd) !== QUESTION && !isSpace(doc.charCodeAt(targetEnd))) this.fail(targetEnd, 'processing instruction target not followed by whitespace');
    const end = doc.indexOf('?>', targetEnd);
    if (end < 0) this.fail(start, 'processing instruction is never closed');
    // fast-xml-parser skipped quoted strings when looking for `?>`, its validator did not: refuse what they would read differently.
    for (let q = targetEnd; q < end; q++) {
      const c = doc.charCodeAt(q);
      if (c !== DQUOTE && c !== SQUOTE) continue;
      const close = doc.indexOf(c === DQUOTE ? '"' : "'", q + 1);
      if (close < 0 || close > end) this.fail(q, 'unbalanced quote in a processing instruction');
      q = close;
    }
    this.flush();
    this.pos = end + 2;
  }

  /** Close the current run of text: trimmed, then decoded, then appended to the open element's text. */
  private flush(): void {
    if (this.pending === '') return;
    const run = this.pending.trim();
    this.pending = '';
    if (run !== '') this.open.at(-1)!.text += decodeXmlText(run);
  }

  private attach(key: string, value: XmlValue): void {
    const parent = this.open.at(-1);
    if (!parent) {
      this.root = { [key]: this.opts.arrays.has(key) ? [value] : value };
      return;
    }
    const children = (parent.children ??= {});
    if (!Object.hasOwn(children, key)) {
      children[key] = this.opts.arrays.has(key) ? [value] : value;
      return;
    }
    const prev = children[key];
    if (Array.isArray(prev)) prev.push(value);
    else children[key] = [prev, value];
  }

  /**
   * A (qualified) name starting at `i`: NCName, optionally `prefix:`NCName. Returns its end and sets
   * `colon`. Refuses characters JavaScript counts as whitespace (U+1680, U+FEFF) even where XML allows them.
   */
  private name(i: number, what: string): number {
    const { doc } = this;
    this.colon = -1;
    NCNAME.lastIndex = i;
    if (!NCNAME.test(doc)) this.fail(i, isJsSpaceInName(doc.charCodeAt(i)) ? `${what} name with a character JavaScript counts as whitespace` : `${what} name expected`);
    let end = NCNAME.lastIndex;
    if (doc.charCodeAt(end) === COLON) {
      this.colon = end;
      NCNAME.lastIndex = end + 1;
      if (!NCNAME.test(doc) || doc.charCodeAt(NCNAME.lastIndex) === COLON) this.fail(end, `${what} name with an empty local part or a second colon`);
      end = NCNAME.lastIndex;
    }
    if (isJsSpaceInName(doc.charCodeAt(end))) this.fail(end, `${what} name with a character JavaScript counts as whitespace`);
    return end;
  }

  /**
   * Every `&` in [from, to) must start `&#digits;`, `&#xhex;` or `&name;` with a name of at most 20
   * word characters (fast-xml-parser's validator rule; names other than the five predefined ones stay as written).
   */
  private checkReferences(from: number, to: number): void {
    const { doc } = this;
    for (let a = this.findAmp(from); a < to; a = this.findAmp(a + 1)) {
      let j = a + 1;
      let ok: boolean;
      if (doc.charCodeAt(j) === HASH) {
        const hex = doc.charCodeAt(j + 1) === 0x78; // only a lower-case x
        j += hex ? 2 : 1;
        const digits = j;
        while (j < to && (hex ? isHexDigit(doc.charCodeAt(j)) : isDigit(doc.charCodeAt(j)))) j++;
        ok = j > digits;
      } else {
        while (j < to && j - a <= MAX_ENTITY_NAME && isWordChar(doc.charCodeAt(j))) j++;
        ok = j > a + 1;
      }
      if (!ok || j >= to || doc.charCodeAt(j) !== SEMICOLON) this.fail(a, "'&' that starts no character or entity reference");
    }
  }

  private findLt(from: number): number {
    if (this.nextLt < from) {
      const i = this.doc.indexOf('<', from);
      this.nextLt = i < 0 ? this.doc.length : i;
    }
    return this.nextLt;
  }

  private findAmp(from: number): number {
    if (this.nextAmp < from) {
      const i = this.doc.indexOf('&', from);
      this.nextAmp = i < 0 ? this.doc.length : i;
    }
    return this.nextAmp;
  }

  private fail(at: number, why: string): never {
    let line = 1;
    let lineStart = 0;
    for (let i = this.doc.indexOf('\n'); i >= 0 && i < at; i = this.doc.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    throw new ParseError(`malformed XML at ${line}:${at - lineStart + 1}: ${why}`);
  }
}

/** The finished value of an element, in fast-xml-parser's shape and key order (children, `#text`, attributes). */
function valueOf(children: Children | null, text: string, attrs: Record<string, string> | null, arrays: ReadonlySet<string>): XmlValue {
  if (attrs === null) {
    if (children === null) return text;
    if (text !== '') children['#text'] = text;
    return children as XmlNode;
  }
  const node = children ?? {};
  if (text !== '') node['#text'] = text;
  for (const k in attrs) node[k] = arrays.has(k) ? [attrs[k]] : attrs[k];
  return node as XmlNode;
}

/** Decode the predefined entities and character references; anything else is left as written. */
export function decodeXmlText(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6}));/g, (whole, named, dec, hex) => {
    if (named) return PREDEFINED[named as keyof typeof PREDEFINED];
    const cp = dec ? Number(dec) : parseInt(hex as string, 16);
    // Surrogates, NUL and out-of-range code points are not characters: keep the reference verbatim.
    if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return whole;
    return String.fromCodePoint(cp);
  });
}

const PREDEFINED = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as const;

function skipSpace(doc: string, i: number): number {
  while (isSpace(doc.charCodeAt(i))) i++;
  return i;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function isWordChar(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

/** XML 1.0 name characters that String.prototype.trim and /\s/ treat as whitespace; refused in names. */
function isJsSpaceInName(c: number): boolean {
  return c === 0x1680 || c === 0xfeff;
}

function clip(name: string): string {
  return name.length > MAX_NAME_IN_MESSAGE ? `${name.slice(0, MAX_NAME_IN_MESSAGE)}…` : name;
}
