import { describe, expect, it } from 'vitest';
import { createNmapXmlStream, type NmapEvent } from '../../src/protocols/nmap-xml.js';
import { fixture, randomBytesText, rng } from './hostile.js';

const LAB = fixture('nmap/lab-sn.xml');

const LAB_EVENTS: NmapEvent[] = [
  { kind: 'host', ip: '198.18.0.11', mac: '28:57:be:aa:bb:01', nmapVendor: 'Hangzhou Hikvision Digital Technology', state: 'up', reason: 'arp-response' },
  { kind: 'host', ip: '198.18.0.12', mac: '00:40:8c:aa:bb:02', nmapVendor: 'Axis Communications AB', state: 'up', reason: 'arp-response' },
  { kind: 'host', ip: '198.18.0.13', mac: '8e:3f:5a:19:c4:77', nmapVendor: null, state: 'up', reason: 'arp-response' },
  { kind: 'host', ip: '198.18.0.1', mac: null, nmapVendor: null, state: 'up', reason: 'localhost-response' },
  {
    kind: 'finished',
    elapsed: 1.91,
    exit: 'success',
    summary: 'Nmap done at Thu Nov 26 05:40:02 2026; 256 IP addresses (4 hosts up) scanned in 1.91 seconds',
    errormsg: null,
  },
];

function feed(chunks: Iterable<string>, opts?: { maxBuffer?: number }): NmapEvent[] {
  const s = createNmapXmlStream(opts);
  const out: NmapEvent[] = [];
  for (const c of chunks) out.push(...s.push(c));
  out.push(...s.end());
  return out;
}

function* randomSplits(text: string, seed: number, maxLen: number): Generator<string> {
  const next = rng(seed);
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(next() * maxLen);
    yield text.slice(i, i + n);
    i += n;
  }
}

describe('createNmapXmlStream on the lab run', () => {
  it('reads the whole document in one chunk (the DOCTYPE never reaches the parser)', () => {
    expect(feed([LAB])).toEqual(LAB_EVENTS);
  });

  it('reads it one character at a time', () => {
    expect(feed(LAB)).toEqual(LAB_EVENTS);
  });

  it('reads it in random splits', () => {
    for (let seed = 1; seed <= 200; seed++) expect(feed(randomSplits(LAB, seed, 1 + (seed % 64))), `seed ${seed}`).toEqual(LAB_EVENTS);
  });

  it('emits each host as soon as its </host> arrives', () => {
    const s = createNmapXmlStream();
    const cut = LAB.indexOf('</host>') + '</host>'.length;
    expect(s.push(LAB.slice(0, cut - 1))).toEqual([]);
    expect(s.push(LAB.slice(cut - 1, cut))).toEqual([LAB_EVENTS[0]]);
  });

  it('drops the hosts it is told are known, unparsed, and reads the rest', () => {
    const s = createNmapXmlStream({ known: (ip) => ip === '198.18.0.12' || ip === '198.18.0.13' });
    expect([...s.push(LAB), ...s.end()]).toEqual(LAB_EVENTS.filter((e) => e.kind !== 'host' || !['198.18.0.12', '198.18.0.13'].includes(e.ip)));
    // A known address in a host nmap did not write (its address line is not where nmap puts it) is still parsed.
    const odd = '<nmaprun><host><address addrtype="ipv4" addr="198.18.0.12"/><status state="up" reason="echo-reply"/></host></nmaprun>';
    expect(createNmapXmlStream({ known: () => true }).push(odd)).toEqual([{ kind: 'host', ip: '198.18.0.12', mac: null, nmapVendor: null, state: 'up', reason: 'echo-reply' }]);
  });

  it('reads it twice in a row: end() resets', () => {
    const s = createNmapXmlStream();
    expect([...s.push(LAB), ...s.end()]).toEqual(LAB_EVENTS);
    expect([...s.push(LAB), ...s.end()]).toEqual(LAB_EVENTS);
  });
});

describe('progress, hints and comments', () => {
  const withProgress =
    '<nmaprun><taskbegin task="ARP Ping Scan" time="1795671600"/>\n' +
    '<taskprogress task="ARP Ping Scan" time="1795671601" percent="42.00" remaining="2" etc="1795671603"/>\n' +
    '<hosthint><status state="up" reason="arp-response" reason_ttl="0"/>\n<address addr="198.18.0.11" addrtype="ipv4"/>\n</hosthint>\n' +
    '<!-- <host><address addr="6.6.6.6" addrtype="ipv4"/></host> -->\n' +
    '<taskend task="ARP Ping Scan" time="1795671602" extrainfo="256 total hosts"/>\n' +
    '<host><status state="up" reason="echo-reply" reason_ttl="64"/>\n<address addr="fe80::1" addrtype="ipv6"/>\n</host>\n' +
    '<runstats><finished time="1" timestr="x" elapsed="0.50" exit="error" errormsg="Failed to open device eth9"/><hosts up="1" down="0" total="1"/></runstats></nmaprun>';

  it('reports taskprogress, ignores hosthint and comments, takes IPv6 hosts and nmap errors', () => {
    const expected: NmapEvent[] = [
      { kind: 'progress', task: 'ARP Ping Scan', percent: 42 },
      { kind: 'host', ip: 'fe80::1', mac: null, nmapVendor: null, state: 'up', reason: 'echo-reply' },
      { kind: 'finished', elapsed: 0.5, exit: 'error', summary: null, errormsg: 'Failed to open device eth9' },
    ];
    expect(feed([withProgress])).toEqual(expected);
    expect(feed(withProgress)).toEqual(expected);
  });
});

describe('malformed output: an error event, then reading goes on', () => {
  const goodHost = '<host><status state="up" reason="arp-response"/><address addr="198.18.0.12" addrtype="ipv4"/></host>';

  it.each([
    ['a host without an address', '<host><status state="up"/></host>', /without an IP address/],
    ['an unclosed element inside a host', '<host><status state="up"><address addr="1.2.3.4" addrtype="ipv4"/></host>', /malformed XML/],
    ['a __proto__ element', '<host><__proto__><polluted>1</polluted></__proto__></host>', /Invalid name/],
    ['an entity bomb inside a host', '<host><!DOCTYPE x [<!ENTITY a "b">]><address addr="&a;" addrtype="ipv4"/></host>', /DOCTYPE/],
    ['a non-numeric percent', '<taskprogress task="x" percent="lots"/>', /valid percent/],
    ['an empty percent', '<taskprogress task="x" percent=""/>', /valid percent/],
    ['a finished written as a start tag', '<finished elapsed="1">', /malformed XML/],
  ])('%s', (_label, bad, pattern) => {
    const events = feed([`<nmaprun>${bad}\n${goodHost}</nmaprun>`]);
    expect(events).toHaveLength(2);
    expect(events[0]!.kind).toBe('error');
    expect((events[0] as { message: string }).message).toMatch(pattern);
    expect(events[1]).toMatchObject({ kind: 'host', ip: '198.18.0.12' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('caps the buffer when no fragment completes, then resynchronises', () => {
    const huge = `<host><address addr="1.1.1.1" addrtype="ipv4"/>${'<x/>'.repeat(5000)}`;
    const events = feed([huge, ...randomSplits(`${'<y/>'.repeat(100)}</host>\n${goodHost}`, 3, 50)], { maxBuffer: 4096 });
    expect(events.map((e) => e.kind)).toEqual(['error', 'host']);
    expect(events[1]).toMatchObject({ ip: '198.18.0.12' });
  });

  it('the default cap is 1 MiB, and one-character pushes stay linear', () => {
    const s = createNmapXmlStream();
    const pending = `<host>${'a'.repeat(200_000)}`;
    const t0 = performance.now();
    let events = 0;
    for (const c of pending) events += s.push(c).length;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(events).toBe(0);
    const overflow = s.push(`${'b'.repeat(900_000)}`);
    expect(overflow).toHaveLength(1);
    expect(overflow[0]).toMatchObject({ kind: 'error', message: expect.stringMatching(/without a complete element/) });
  });

  it('reports output that ends inside a host', () => {
    const cut = LAB.indexOf('</host>', LAB.indexOf('198.18.0.12'));
    expect(feed([LAB.slice(0, cut)])).toEqual([...LAB_EVENTS.slice(0, 1), { kind: 'error', message: 'nmap XML ended inside <host>' }]);
  });

  it('every truncation of the lab run yields a prefix of its events, plus at most one error', () => {
    for (let i = 0; i <= LAB.length; i++) {
      const events = feed([LAB.slice(0, i)]);
      const good = events.filter((e) => e.kind !== 'error');
      expect(good, `cut at ${i}`).toEqual(LAB_EVENTS.slice(0, good.length));
      expect(events.length - good.length, `cut at ${i}`).toBeLessThanOrEqual(1);
    }
  });

  it('garbage never throws', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const junk = randomBytesText(20_000, seed);
      expect(() => feed(randomSplits(`${junk}<host>${junk}</host><finished ${junk}`, seed, 500))).not.toThrow();
    }
    expect(feed(['', '<', 'h', 'o', 's', 't', 'hint>', '</host>'])).toEqual([]);
  });
});
