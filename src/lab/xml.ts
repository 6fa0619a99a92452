// Just enough XML for the simulated devices (stdlib only): escaping, a well-formedness check, and
// prefix-agnostic element lookup by local name. Devices must never crash on what a scanner sends.

const ESC: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESC[c]!);
}

export function unesc(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Math.min(Number(d), 0x10ffff)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Math.min(parseInt(h, 16), 0x10ffff)))
    .replace(/&amp;/g, '&');
}

const NAME_START = /[A-Za-z_]/;
const NAME_RE = /^[A-Za-z_][\w.:-]*$/;
const ATTRS_RE = /^(?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*$/;

/**
 * True when `xml` is one well-formed element (optionally after an XML declaration, comments and whitespace).
 * Rejects DOCTYPEs (no device needs one). Does not resolve namespaces or check entity names.
 */
export function isWellFormed(xml: string): boolean {
  const s = xml.replace(/^\uFEFF/, '');
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const text = lt < 0 ? s.slice(i) : s.slice(i, lt);
    if (stack.length === 0 && text.trim() !== '') return false;
    if (lt < 0) break;
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('-->', lt + 4);
      if (end < 0) return false;
      i = end + 3;
    } else if (s.startsWith('<![CDATA[', lt)) {
      if (stack.length === 0) return false;
      const end = s.indexOf(']]>', lt + 9);
      if (end < 0) return false;
      i = end + 3;
    } else if (s.startsWith('<?', lt)) {
      if (stack.length > 0 || roots > 0) return false;
      const end = s.indexOf('?>', lt + 2);
      if (end < 0) return false;
      i = end + 2;
    } else if (s.startsWith('<!', lt)) {
      return false; // DOCTYPE and friends
    } else if (s.startsWith('</', lt)) {
      const end = s.indexOf('>', lt);
      if (end < 0) return false;
      const name = s.slice(lt + 2, end).trim();
      if (stack.pop() !== name) return false;
      i = end + 1;
    } else {
      const end = findTagEnd(s, lt + 1);
      if (end < 0) return false;
      const selfClosing = s[end - 1] === '/';
      const inner = s.slice(lt + 1, selfClosing ? end - 1 : end);
      const m = /^([^\s/>]+)([\s\S]*)$/.exec(inner);
      if (!m || !NAME_START.test(m[1]![0]!) || !NAME_RE.test(m[1]!) || !ATTRS_RE.test(m[2]!)) return false;
      if (stack.length === 0) {
        if (roots > 0) return false;
        roots++;
      }
      if (!selfClosing) stack.push(m[1]!);
      i = end + 1;
    }
  }
  return roots === 1 && stack.length === 0;
}

/** Index of the `>` closing a start tag that begins at `from`, skipping quoted attribute values. */
function findTagEnd(s: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '<') return -1;
    else if (c === '>') return i;
  }
  return -1;
}

export interface XmlElement {
  readonly prefix: string | null;
  readonly attrs: string;
  /** Raw inner XML ('' for an empty element). */
  readonly inner: string;
}

/** Elements with this local name, any prefix, in document order. Not for elements nested in themselves. */
export function elements(xml: string, localName: string): XmlElement[] {
  const re = new RegExp(`<(?:([\\w.-]+):)?${localName}(?=[\\s/>])([^>]*?)(?:/>|>([\\s\\S]*?)</(?:[\\w.-]+:)?${localName}\\s*>)`, 'g');
  const out: XmlElement[] = [];
  for (const m of xml.matchAll(re)) out.push({ prefix: m[1] ?? null, attrs: m[2] ?? '', inner: m[3] ?? '' });
  return out;
}

/** Unescaped, trimmed text of the first element with this local name; null when absent. */
export function text(xml: string, localName: string): string | null {
  const e = elements(xml, localName)[0];
  return e ? unesc(e.inner.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')).trim() : null;
}

export function attr(attrs: string, name: string): string | null {
  const m = new RegExp(`(?:^|\\s)(?:[\\w.-]+:)?${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs);
  return m ? unesc(m[1] ?? m[2] ?? '') : null;
}

/** Root element's local name. */
export function rootName(xml: string): string | null {
  const m = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*<(?:[\w.-]+:)?([\w.-]+)/.exec(xml.replace(/^\uFEFF/, ''));
  return m ? m[1]! : null;
}

/** Local name of the first element inside the SOAP Body (the operation); null when the body is empty or missing. */
export function bodyOperation(xml: string): string | null {
  const m = /<(?:[\w.-]+:)?Body(?=[\s/>])[^>]*>(?:\s|<!--[\s\S]*?-->)*<(?:[\w.-]+:)?([\w.-]+)/.exec(xml);
  return m ? m[1]! : null;
}
