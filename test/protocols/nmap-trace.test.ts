import { describe, expect, it } from 'vitest';
import { createNmapTraceStream } from '../../src/protocols/nmap-trace.js';
import { fixture, randomBytesText, rng } from './hostile.js';

const TRACE = fixture('nmap/lab-packet-trace.txt');

// What nmap printed: the six ARP replies, in order; the SENT lines, the report and the scanner itself are not replies.
const REPLIES = [
  { ip: '198.18.0.2', mac: 'b8:27:eb:00:00:10' },
  { ip: '198.18.0.3', mac: 'f8:bc:12:00:00:1c' },
  { ip: '198.18.0.4', mac: 'a4:83:e7:00:00:03' },
  { ip: '198.18.0.5', mac: '02:b7:00:00:00:0e' },
  { ip: '198.18.0.6', mac: '3c:d9:2b:00:00:1a' },
  { ip: '198.18.0.7', mac: '00:1a:a1:00:00:01' },
];

describe('nmap --packet-trace reader', () => {
  it('reads the ARP replies of a real trace', () => {
    expect(createNmapTraceStream().push(TRACE)).toEqual(REPLIES);
  });

  it('gives the same replies however stdout is cut into chunks', () => {
    const next = rng(7);
    for (let round = 0; round < 50; round++) {
      const s = createNmapTraceStream();
      const out = [];
      for (let i = 0; i < TRACE.length; ) {
        const n = 1 + Math.floor(next() * 40);
        out.push(...s.push(TRACE.slice(i, i + n)));
        i += n;
      }
      expect(out).toEqual(REPLIES);
    }
  });

  it('ignores lines that only look like replies, and overlong lines', () => {
    const s = createNmapTraceStream();
    const lines = [
      'RCVD (0.1s) ARP reply 198.18.0.9 is-at 00:11:22:33:44', // MAC too short
      'RCVD (0.1s) ARP reply 198.18.0.9 is-at 00:11:22:33:44:55 extra',
      'SENT (0.1s) ARP reply 198.18.0.9 is-at 00:11:22:33:44:55',
      `RCVD (0.1s) ARP reply 198.18.0.9 is-at 00:11:22:33:44:55${' '.repeat(2000)}`,
      'RCVD (0.1s) ARP reply 198.18.0.10 is-at 00:11:22:33:44:55',
    ];
    expect(s.push(`${lines.join('\n')}\n`)).toEqual([{ ip: '198.18.0.10', mac: '00:11:22:33:44:55' }]);
  });

  it('never throws on random input, and a reply after it is still read', () => {
    for (let round = 0; round < 200; round++) {
      const s = createNmapTraceStream();
      expect(() => s.push(randomBytesText(3000, round))).not.toThrow();
      expect(s.push('\nRCVD (0.2s) ARP reply 198.18.0.4 is-at A4:83:E7:00:00:03\n')).toEqual([{ ip: '198.18.0.4', mac: 'a4:83:e7:00:00:03' }]);
    }
  });
});
