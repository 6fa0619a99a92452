// RTSP banner parsing on real answers (test/fixtures/rtsp, origins in SOURCES.md) and on broken variants.
import { describe, expect, it } from 'vitest';
import { buildRtspRequest, MAX_RTSP_HEADERS, parseRtspResponse, rtspResponseComplete } from '../../src/protocols/rtsp.js';
import { challengeBanner, parseChallenges } from '../../src/protocols/http-banner.js';
import { expectParseError, fixture, onlyParseError, randomBytesText } from './hostile.js';

const banners = (header: string) => parseChallenges(header).map(challengeBanner);

describe('buildRtspRequest', () => {
  it('writes OPTIONS and DESCRIBE with CSeq, CRLF line ends and no credentials', () => {
    const options = buildRtspRequest('OPTIONS', 'rtsp://198.18.0.31:554/', 1);
    expect(options).toBe('OPTIONS rtsp://198.18.0.31:554/ RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: camaudit\r\n\r\n');
    const describe = buildRtspRequest('DESCRIBE', 'rtsp://198.18.0.31:554/', 2);
    expect(describe).toMatch(/^DESCRIBE rtsp:\/\/198\.18\.0\.31:554\/ RTSP\/1\.0\r\nCSeq: 2\r\nAccept: application\/sdp\r\n/);
    expect(`${options}${describe}`).not.toMatch(/authorization/i);
  });

  it('refuses a URL that would inject a header', () => {
    expect(() => buildRtspRequest('OPTIONS', 'rtsp://x/ RTSP/1.0\r\nAuthorization: Basic eA==', 1)).toThrow(/whitespace/);
  });
});

describe('parseRtspResponse on real answers', () => {
  it('Hikvision OPTIONS: 200 with no Server header', () => {
    const r = parseRtspResponse(fixture('rtsp/hikvision-options-200.txt'));
    expect(r).toMatchObject({ version: '1.0', status: 200, reason: 'OK' });
    expect(r.headers.server).toBeUndefined();
    expect(r.headers.date).toEqual(['Thu, May 14 2020 16:45:35 GMT']);
  });

  it('Hikvision DESCRIBE: 401 whose realm is IP Camera(C2875)', () => {
    const r = parseRtspResponse(fixture('rtsp/hikvision-describe-401.txt'));
    expect(r.status).toBe(401);
    expect(banners(r.headers['www-authenticate']![0]!)).toEqual(['Digest realm="IP Camera(C2875)"']);
  });

  it('Dahua: OPTIONS already refused, realm naming the serial', () => {
    const r = parseRtspResponse(fixture('rtsp/dahua-options-401.txt'));
    expect(r.status).toBe(401);
    expect(banners(r.headers['www-authenticate']![0]!)).toEqual(['Digest realm="Login to 4M0747EPAA1D284"']);
  });

  it('Dahua: Server headers of old and new firmware', () => {
    expect(parseRtspResponse(fixture('rtsp/dahua-options-200-authenticated.txt')).headers.server).toEqual(['Rtsp Server/3.0']);
    const old = parseRtspResponse(fixture('rtsp/dahua-401-device-nmap.txt'));
    expect(old.headers.server).toEqual(['Dahua Rtsp Server']);
    expect(banners(old.headers['www-authenticate']![0]!)).toEqual(['Basic realm="device"']);
    expect(parseRtspResponse(fixture('rtsp/dahua-405-nmap.txt'))).toMatchObject({ status: 405, reason: 'Method Not Allowed' });
  });

  it('keeps every repeated WWW-Authenticate header', () => {
    const r = parseRtspResponse(fixture('rtsp/hikvision-401-two-challenges-nmap.txt'));
    expect(r.headers['www-authenticate']!.flatMap(banners)).toEqual(['Digest realm="Hikvision"', 'Basic realm="/"']);
  });
});

describe('rtspResponseComplete', () => {
  it('is complete at the blank line, or once Content-Length bytes of body arrived', () => {
    const full = Buffer.from(fixture('rtsp/hikvision-describe-401.txt'));
    expect(rtspResponseComplete(full)).toBe(true);
    for (let cut = 1; cut < full.length - 1; cut++) expect(rtspResponseComplete(full.subarray(0, cut)), `cut ${cut}`).toBe(false);
    const withBody = Buffer.from('RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: 5\r\n\r\nv=0\r\n');
    expect(rtspResponseComplete(withBody)).toBe(true);
    expect(rtspResponseComplete(withBody.subarray(0, withBody.length - 1))).toBe(false);
  });
});

describe('parseRtspResponse on broken input', () => {
  it('throws ParseError for every truncation inside the header block', () => {
    const text = fixture('rtsp/hikvision-describe-401.txt');
    const end = text.indexOf('\r\n\r\n');
    for (let cut = 0; cut < end; cut++) expectParseError(() => parseRtspResponse(text.slice(0, cut)));
  });

  it('refuses HTTP, garbage, header floods and malformed header lines', () => {
    expectParseError(() => parseRtspResponse('HTTP/1.1 200 OK\r\n\r\n'), /not an RTSP response/);
    expectParseError(() => parseRtspResponse('RTSP/1.0 2000 OK\r\n\r\n'), /not an RTSP response/);
    const flood = `RTSP/1.0 200 OK\r\n${'X-A: b\r\n'.repeat(MAX_RTSP_HEADERS + 1)}\r\n`;
    expectParseError(() => parseRtspResponse(flood), /more than/);
    expectParseError(() => parseRtspResponse('RTSP/1.0 200 OK\r\nno colon here\r\n\r\n'), /malformed/);
    expectParseError(() => parseRtspResponse(`RTSP/1.0 200 OK\r\nServer: ${'a'.repeat(9000)}\r\n\r\n`), /too long/);
  });

  it('tolerates bare LF line ends and an empty reason', () => {
    expect(parseRtspResponse('RTSP/1.0 401\nServer: Dahua Rtsp Server\n\n')).toMatchObject({ status: 401, reason: '', headers: { server: ['Dahua Rtsp Server'] } });
  });

  it('never throws anything but ParseError on random bytes', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const text = seed % 2 ? randomBytesText(200, seed) : `RTSP/1.0 401 Unauthorized\r\n${randomBytesText(120, seed)}\r\n\r\n`;
      onlyParseError(() => parseRtspResponse(text), `seed ${seed}`);
    }
  });
});
