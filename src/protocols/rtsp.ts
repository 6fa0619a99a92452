// RTSP 1.0 (RFC 2326) banners, pure build/parse; the socket lives in src/net/tcp-exchange.ts.
//
// Sends: OPTIONS and DESCRIBE on rtsp://<host>:554/, never with credentials. What a camera gives away
// unauthenticated is its Server header (Dahua "Dahua Rtsp Server") and, on the 401 that DESCRIBE (or, on
// Dahua, even OPTIONS) earns, its WWW-Authenticate realm (Hikvision "IP Camera(C2875)", Dahua "Login to <serial>").
// Fixtures (test/fixtures/rtsp, origins in test/fixtures/SOURCES.md): a Hikvision OPTIONS/DESCRIBE exchange,
// Dahua 401 answers, the nmap-service-probes Dahua lines.
// Sample: parseRtspResponse('RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\nWWW-Authenticate: Digest realm="IP Camera(C2875)", …')
//   → { version: '1.0', status: 401, reason: 'Unauthorized', headers: { cseq: ['2'], 'www-authenticate': ['Digest realm=…'] }, body: '' }
import { ParseError } from '../core/errors.js';

export type RtspMethod = 'OPTIONS' | 'DESCRIBE';

export interface RtspResponse {
  readonly version: string;
  readonly status: number;
  readonly reason: string;
  /** Lower-case names; a repeated header keeps every value in order. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly body: string;
}

export const MAX_RTSP_HEADERS = 64;
const MAX_LINE = 8 * 1024;
const STATUS_LINE = /^RTSP\/(\d\.\d) (\d{3})(?: (.*))?$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function buildRtspRequest(method: RtspMethod, url: string, cseq: number): string {
  if (/[\s\0]/.test(url)) throw new Error(`RTSP URL must not contain whitespace: ${JSON.stringify(url)}`);
  const accept = method === 'DESCRIBE' ? 'Accept: application/sdp\r\n' : '';
  return `${method} ${url} RTSP/1.0\r\nCSeq: ${cseq}\r\n${accept}User-Agent: camaudit\r\n\r\n`;
}

/** Where the header block ends (index after the blank line), or -1. Bare LF line ends are tolerated. */
function headerEnd(text: string): number {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? m.index + m[0].length : -1;
}

/** True once `data` holds a whole response: the header block, and the body when Content-Length announces one. */
export function rtspResponseComplete(data: Buffer): boolean {
  const text = data.toString('latin1');
  const end = headerEnd(text);
  if (end < 0) return false;
  const length = /^content-length[ \t]*:[ \t]*(\d{1,9})[ \t]*$/im.exec(text.slice(0, end));
  return !length || data.length - end >= Number(length[1]);
}

/** Parses one RTSP response; throws ParseError for anything that is not one (HTTP included). */
export function parseRtspResponse(data: Buffer | string): RtspResponse {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  const end = headerEnd(text);
  const head = end < 0 ? text : text.slice(0, end);
  const lines = head.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (end >= 0 && lines.at(-1) === '') lines.pop();
  const statusLine = lines.shift() ?? '';
  if (statusLine.length > MAX_LINE) throw new ParseError('RTSP status line too long');
  const m = STATUS_LINE.exec(statusLine);
  if (!m) throw new ParseError(`not an RTSP response: ${JSON.stringify(statusLine.slice(0, 60))}`);
  if (end < 0) throw new ParseError('RTSP response ends inside its headers');
  if (lines.length > MAX_RTSP_HEADERS) throw new ParseError(`more than ${MAX_RTSP_HEADERS} RTSP headers`);
  const headers: Record<string, string[]> = {};
  for (const line of lines) {
    if (line.length > MAX_LINE) throw new ParseError('RTSP header line too long');
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!HEADER_NAME.test(name)) throw new ParseError(`malformed RTSP header line: ${JSON.stringify(line.slice(0, 60))}`);
    (headers[name.toLowerCase()] ??= []).push(line.slice(colon + 1).trim());
  }
  return { version: m[1]!, status: Number(m[2]), reason: (m[3] ?? '').trim(), headers, body: text.slice(end) };
}
