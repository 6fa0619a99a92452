// A sort key that orders addresses numerically in SQL (198.18.0.9 before 198.18.0.10), which text
// ordering does not. IPv4 is mapped into IPv6 (::ffff:a.b.c.d) so both families share one 16-byte key.
import { isIPv4, isIPv6 } from 'node:net';

// Something that is not an address sorts after every address instead of failing the save.
const UNPARSABLE = Buffer.alloc(16, 0xff);

export function ipSortKey(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from([...Array<number>(10).fill(0), 0xff, 0xff, ...ip.split('.').map(Number)]);
  if (isIPv6(ip)) return ipv6Bytes(ip);
  return UNPARSABLE;
}

/** Expects a string isIPv6() accepted: "::" shorthand, an optional dotted IPv4 tail, an optional %zone. */
function ipv6Bytes(ip: string): Buffer {
  let text = ip.split('%')[0] ?? '';
  const v4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4Tail) {
    const [a, b, c, d] = v4Tail.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, v4Tail.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const groups = (part: string | undefined): number[] => (part ? part.split(':').map((h) => parseInt(h, 16)) : []);
  const [head, tail] = text.split('::');
  const all =
    tail === undefined ? groups(head) : [...groups(head), ...Array<number>(8 - groups(head).length - groups(tail).length).fill(0), ...groups(tail)];
  const key = Buffer.alloc(16);
  all.forEach((group, i) => key.writeUInt16BE(group, i * 2));
  return key;
}
