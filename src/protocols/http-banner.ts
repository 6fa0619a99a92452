// What a camera's web server says before anyone logs in, pure parse; the requests live in src/sources/http.ts.
//
// Extracts, from bytes a device chose to send (hostile: every result is size-capped):
//   - WWW-Authenticate challenges (RFC 7235; shared by RTSP), reduced to scheme and realm: the realm names the
//     firmware (Hikvision "IP Camera(C2183)", Dahua "Login to <serial>", Hanwha "iPolis"), the nonce is noise;
//   - the HTML <title>, and the root paths a page references or redirects to (Hikvision's index page sends the
//     browser to /doc/page/login.asp, Dahua's login page posts to /RPC2_Login), vendor-neutrally: vendor-db
//     decides what a path means;
//   - the first stage of Dahua's RPC2 login (global.login without credentials), whose "login challenge" error
//     carries the device MAC and a realm naming its serial;
//   - the default namespace of an XML answer (Hikvision ISAPI answers in http://www.hikvision.com/ver20/XMLSchema).
// Fixtures: test/fixtures/http (origins in test/fixtures/SOURCES.md).
import { normalizeMac } from '../core/mac.js';

export interface Challenge {
  readonly scheme: string;
  /** Lower-case parameter names. */
  readonly params: Readonly<Record<string, string>>;
}

const MAX_HEADER = 4096;
const MAX_CHALLENGES = 8;
const MAX_PARAMS = 32;
const MAX_TEXT = 256;
const MAX_SCAN = 256 * 1024;
const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

/** Control characters become spaces, runs of whitespace one space; at most `max` characters. */
export function printable(text: string, max = MAX_TEXT): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, max);
}

/** Every challenge in a WWW-Authenticate value ("Digest realm=…, nonce=…, Basic realm=…"); token68 forms are skipped. */
export function parseChallenges(header: string): Challenge[] {
  const s = header.slice(0, MAX_HEADER);
  const out: { scheme: string; params: Record<string, string> }[] = [];
  let i = 0;
  const skip = (chars: RegExp) => {
    while (i < s.length && chars.test(s[i]!)) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < s.length && TOKEN.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  while (i < s.length && out.length <= MAX_CHALLENGES) {
    skip(/[\s,]/);
    const name = token();
    if (!name) {
      i++; // a character no grammar rule allows here: step over it
      continue;
    }
    const save = i;
    skip(/[ \t]/);
    if (s[i] !== '=') {
      i = save;
      out.push({ scheme: name, params: {} });
      continue;
    }
    i++;
    skip(/[ \t]/);
    let value = '';
    if (s[i] === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        value += s[i++];
      }
      i++;
    } else value = token();
    const current = out.at(-1);
    if (current && Object.keys(current.params).length < MAX_PARAMS) current.params[name.toLowerCase()] ??= value;
  }
  return out.slice(0, MAX_CHALLENGES);
}

/** `Digest realm="IP Camera(C2875)"`: the part of a challenge that identifies a device; null without a realm. */
export function challengeBanner(c: Challenge): string | null {
  const realm = c.params.realm;
  if (realm === undefined) return null;
  const scheme = c.scheme.charAt(0).toUpperCase() + c.scheme.slice(1).toLowerCase();
  return `${scheme} realm="${printable(realm).replace(/"/g, "'")}"`;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : ' ';
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** The text of the first <title>, entities decoded, whitespace collapsed; null when absent or empty. */
export function htmlTitle(html: string): string | null {
  const m = /<title\b[^>]*>([\s\S]{0,4096}?)<\/title\s*>/i.exec(html.slice(0, MAX_SCAN));
  if (!m) return null;
  const text = printable(decodeEntities(m[1]!.replace(/<[^>]*>/g, ' ')));
  return text === '' ? null : text;
}

const SAFE_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{1,200}$/;
const STATIC_ASSET = /\.(?:css|png|jpe?g|gif|ico|svg|bmp|woff2?|ttf|eot|map)$/i;

/** The path of an absolute, root-relative or ./-relative URL, without query or fragment; null for anything else. */
export function urlPath(url: string): string | null {
  const m = /^\s*(?:https?:\/\/[^/\s"'<>]+)?\.?(\/[^?#\s"'<>]*)/i.exec(url);
  if (!m || m[1]!.startsWith('//')) return null;
  const path = m[1]!;
  return SAFE_PATH.test(path) ? path : null;
}

/**
 * Root paths the page references, in document order, at most `max`: every quoted string that is a URL or a
 * root-relative path (attributes, `location.href = "…"`, JSON), and meta-refresh targets. Stylesheets, images
 * and fonts are left out: they say little about who wrote the firmware.
 */
export function pagePaths(html: string, max = 16): string[] {
  const text = html.slice(0, MAX_SCAN);
  const seen = new Set<string>();
  const found: { at: number; path: string }[] = [];
  const add = (at: number, raw: string) => {
    const path = urlPath(raw);
    if (!path || STATIC_ASSET.test(path) || seen.has(path)) return;
    seen.add(path);
    found.push({ at, path });
  };
  for (const m of text.matchAll(/(["'])((?:https?:\/\/[^"'\s<>]{1,100})?\.?\/[^"'\s<>]{1,300})\1/g)) add(m.index, m[2]!);
  for (const m of text.matchAll(/content\s*=\s*["']?\s*\d+\s*;\s*url\s*=\s*([^"'>\s]{1,300})/gi)) add(m.index, m[1]!);
  return found.sort((a, b) => a.at - b.at).slice(0, max).map((f) => f.path);
}

export interface Rpc2Challenge {
  /** "Login to <serial>" on Dahua firmware. */
  readonly realm: string | null;
  readonly mac: string | null;
  readonly encryption: string | null;
  readonly errorCode: number | null;
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

const textField = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? printable(v, 128) : null);

/**
 * The answer to a first-stage `global.login` (no password) on POST /RPC2_Login: Dahua firmware refuses with a
 * "login challenge" whose params name the realm and the MAC. Null for anything else (a 404 page, other JSON).
 */
export function parseRpc2Challenge(body: string): Rpc2Challenge | null {
  if (body.length > 64 * 1024) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return null;
  }
  const params = asRecord(asRecord(doc)?.params);
  if (!params) return null;
  const realm = textField(params.realm);
  const mac = typeof params.mac === 'string' ? normalizeMac(params.mac) : null;
  if (!realm && !mac) return null;
  const code = asRecord(asRecord(doc)?.error)?.code;
  return { realm, mac, encryption: textField(params.encryption), errorCode: typeof code === 'number' && Number.isFinite(code) ? code : null };
}

/** The default namespace declared on the root element of an XML answer; null for anything else or with a DOCTYPE. */
export function xmlRootNamespace(body: string): string | null {
  const text = body.slice(0, 16 * 1024);
  if (/<!DOCTYPE/i.test(text)) return null;
  const m = /^\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--[\s\S]{0,1000}?-->\s*)*<[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?(\s[^>]{0,2000})?\/?>/.exec(text);
  if (!m) return null;
  const ns = /\sxmlns\s*=\s*(?:"([^"]{1,300})"|'([^']{1,300})')/.exec(m[1] ?? '');
  const uri = ns ? (ns[1] ?? ns[2]!) : null;
  return uri && /^[\x21-\x7e]+$/.test(uri) ? uri : null;
}
