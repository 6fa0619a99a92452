// Every wire parser under property-based fuzzing (harness: fuzz-harness.ts). Adding a parser is one line in PARSERS.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFrame, parseDeviceInfo, parseFrame } from '../../src/protocols/dhip.js';
import { htmlTitle, pagePaths, parseChallenges, parseRpc2Challenge, xmlRootNamespace } from '../../src/protocols/http-banner.js';
import { createNmapXmlStream } from '../../src/protocols/nmap-xml.js';
import { parseDeviceInformation, parseFault, parseNetworkInterfaces, parseSystemDateAndTime } from '../../src/protocols/onvif.js';
import { parseRtspResponse } from '../../src/protocols/rtsp.js';
import { parseProbeMatch } from '../../src/protocols/sadp.js';
import { parseProbeMatches } from '../../src/protocols/ws-discovery.js';
import { namespacesOf, parseXml } from '../../src/protocols/xml.js';
import { allowance, bytes, FC_PARAMS, fixtures, inputs, runOnce, text, type ParserCase } from './fuzz-harness.js';

/** nmap's stdout arrives in pipe-sized pieces that cut elements anywhere. */
function nmapStream(input: string): unknown[] {
  const stream = createNmapXmlStream();
  const events: unknown[] = [];
  for (let i = 0; i < input.length; i += 997) events.push(...stream.push(input.slice(i, i + 997)));
  return [...events, ...stream.end()];
}

// Real captures quoted by the research (peers-and-protocols.md "Hikvision HTTP/RTSP details" and the nmap
// service-probe lines), for protocols whose fixture directory does not hold them yet.
const RTSP_SEEDS = [
  'RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\nWWW-Authenticate: Digest realm="IP Camera(C2875)", nonce="938032d91ffc30ca80b5da94c18887ac", stale="FALSE"\r\nDate:  Thu, May 14 2020 16:45:35 GMT\r\n\r\n',
  'RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm="device"\r\nServer: Dahua Rtsp Server\r\nContent-Length: 0\r\n\r\n',
].map((s) => Buffer.from(s));
const CHALLENGE_SEEDS = ['Digest realm="IP Camera(C2875)", nonce="938032d91ffc30ca80b5da94c18887ac", stale="FALSE"', 'Basic realm="device"', 'Digest realm="Login to 2J01018PAA00813", qop="auth"'].map((s) =>
  Buffer.from(s),
);

const ws = fixtures('ws-discovery');
const onvif = fixtures('onvif');
const sadp = fixtures('sadp');
const dhip = [...fixtures('dhip', '.json').map((b) => buildFrame(b.toString('utf8'))), ...fixtures('dhip', '.hex').map((b) => Buffer.from(b.toString().replace(/\s+/g, ''), 'hex'))];
const http = fixtures('http');
const rtsp = [...fixtures('rtsp'), ...RTSP_SEEDS];
const xmlSeeds = [...ws, ...onvif, ...sadp];

export const PARSERS: readonly ParserCase[] = [
  text('xml parseXml', xmlSeeds, (t) => parseXml(t, { attributes: true })),
  text('xml namespacesOf', xmlSeeds, namespacesOf),
  text('ws-discovery parseProbeMatches', ws, (t) => parseProbeMatches(t)),
  text('onvif parseFault', onvif, parseFault),
  text('onvif parseSystemDateAndTime', onvif, parseSystemDateAndTime),
  text('onvif parseDeviceInformation', onvif, parseDeviceInformation),
  text('onvif parseNetworkInterfaces', onvif, parseNetworkInterfaces),
  text('nmap-xml stream', fixtures('nmap'), nmapStream),
  text('sadp parseProbeMatch', sadp, parseProbeMatch),
  bytes('dhip parseFrame', dhip, parseFrame),
  bytes('dhip parseDeviceInfo', dhip, parseDeviceInfo),
  bytes('rtsp parseRtspResponse', rtsp, parseRtspResponse),
  text('http-banner parseChallenges', [...CHALLENGE_SEEDS, ...rtsp, ...http], parseChallenges),
  text('http-banner htmlTitle', http, htmlTitle),
  text('http-banner pagePaths', http, (t) => pagePaths(t)),
  text('http-banner parseRpc2Challenge', http, parseRpc2Challenge),
  text('http-banner xmlRootNamespace', [...http, ...onvif], xmlRootNamespace),
];

describe.each(PARSERS.map((p) => [p.name, p] as const))('%s under fuzzing', (_name, c) => {
  it('returns or throws ParseError, never anything else, and never amplifies its input', () => {
    fc.assert(
      fc.property(inputs(c.seeds), (input) => {
        const t0 = performance.now();
        const size = runOnce(c, input);
        expect(size).toBeLessThanOrEqual(allowance(input));
        expect(performance.now() - t0).toBeLessThan(500);
      }),
      FC_PARAMS,
    );
  });

  it('parses its real captures (the seeds are valid input, so the mutations start from the real thing)', () => {
    for (const s of c.seeds) expect(() => runOnce(c, s)).not.toThrow();
  });

  it('takes time in proportion to its input, up to 20 MB, and never amplifies it', () => {
    const base = c.seeds[0] ?? Buffer.from('<a>');
    const filler = base.subarray(0, Math.min(base.length, 4096));
    const sized = (n: number) => Buffer.concat([base, Buffer.alloc(n - base.length, filler.length ? filler : Buffer.from('A'))]);
    const cost = (input: Buffer) => {
      const t0 = performance.now();
      expect(runOnce(c, input)).toBeLessThanOrEqual(allowance(input));
      return performance.now() - t0;
    };
    const small = cost(sized(2 * 1024 * 1024));
    const huge = cost(sized(20 * 1024 * 1024));
    // Ten times the input: linear is ~10x; quadratic would be ~100x. The floor absorbs a shared CPU's jitter.
    expect(huge).toBeLessThan(Math.max(20 * small, 1500));
  });
});

describe('the fuzz harness', () => {
  it('would catch a parser that throws something other than ParseError', () => {
    const broken = text('broken', [Buffer.from('<a/>')], (t) => {
      if (t.includes('<')) return t;
      throw new TypeError('boom');
    });
    const run = fc.check(fc.property(inputs(broken.seeds), (i) => void runOnce(broken, i)), FC_PARAMS);
    expect(run.failed).toBe(true);
    expect(String(run.errorInstance)).toMatch(/TypeError: boom \(not a ParseError\)/);
  });

  it('would catch a parser that amplifies (an entity bomb)', () => {
    const bomb = text('bomb', [Buffer.from('<a>x</a>')], (t) => 'lol'.repeat(t.length * 10));
    expect(fc.check(fc.property(inputs(bomb.seeds), (i) => expect(runOnce(bomb, i)).toBeLessThanOrEqual(allowance(i))), FC_PARAMS).failed).toBe(true);
  });

  it('has seeds for every parser except the ones waiting for fixtures', () => {
    const empty = PARSERS.filter((p) => p.seeds.length === 0).map((p) => p.name);
    expect(empty.every((n) => n.startsWith('http-banner'))).toBe(true);
  });
});
