// Incremental reader for `nmap -oX -` (nmap's XML output on stdout), fed in arbitrary chunks.
//
// Reads: what nmap writes while it runs, e.g. for `nmap -sn -n -oX - --stats-every 1s -- 198.18.0.0/24`:
//   <!DOCTYPE nmaprun> and an xml-stylesheet PI, then <host>…</host> blocks as host groups finish,
//   <taskprogress task=… percent=…/> lines, and <runstats><finished elapsed=… exit=…/>.
// Spec: nmap's DTD https://nmap.org/book/nmap-dtd.html and https://nmap.org/book/output-formats-xml-output.html
// How: the document as a whole is never parsed (its DOCTYPE would be refused, and it only becomes
//   well-formed at the very end). Complete <host>, <taskprogress> and <finished> fragments are cut out
//   of the stream and each one goes through the safe parser on its own. A bad fragment becomes an
//   `error` event and reading goes on; so does a buffer that grows past the cap without completing one.
// Fixture: test/fixtures/nmap/lab-sn.xml, reconstructed from the lab run in research/dependencies.md §5.
// Sample events: { kind: 'host', ip: '198.18.0.11', mac: '28:57:be:aa:bb:01',
//   nmapVendor: 'Hangzhou Hikvision Digital Technology', state: 'up', reason: 'arp-response' }
//   { kind: 'finished', elapsed: 1.91, exit: 'success', summary: 'Nmap done at …', errormsg: null }
// nmap's vendor= comes from its own 2022 prefix list: keep it as a hint, look vendors up ourselves.

import { ParseError } from '../core/errors.js';
import { normalizeMac } from '../core/mac.js';
import { attrOf, child, children, parseXml, type XmlValue } from './xml.js';

export const DEFAULT_MAX_NMAP_BUFFER = 1024 * 1024;

export type NmapEvent =
  | {
      readonly kind: 'host';
      readonly ip: string;
      readonly mac: string | null; // lower-case colon form; only for hosts on our L2 segment
      readonly nmapVendor: string | null;
      readonly state: string | null; // up | down | unknown | skipped
      readonly reason: string | null; // arp-response, echo-reply, localhost-response, …
    }
  | { readonly kind: 'progress'; readonly task: string | null; readonly percent: number }
  | {
      readonly kind: 'finished';
      readonly elapsed: number | null; // seconds
      readonly exit: string | null; // success | error
      readonly summary: string | null;
      readonly errormsg: string | null; // set by nmap when exit="error"
    }
  | { readonly kind: 'error'; readonly message: string };

export interface NmapXmlStream {
  /** Feed the next piece of stdout; returns the events completed by it. */
  push(chunk: string): NmapEvent[];
  /** No more input: reports an unfinished fragment, then resets so the reader can take a new run. */
  end(): NmapEvent[];
}

/**
 * Elements we cut out, and the text that ends each. nmap writes taskprogress and finished as empty
 * elements and escapes '>' inside attribute values, so their first '>' ends them; one written any
 * other way is cut at that '>' and reported as malformed.
 */
const FRAGMENTS = [
  { open: '<host', close: '</host>' },
  { open: '<taskprogress', close: '>' },
  { open: '<finished', close: '>' },
] as const;
const COMMENT = { open: '<!--', close: '-->' } as const;
const MAX_ADDRESSES = 16;

export interface NmapXmlStreamOptions {
  readonly maxBuffer?: number;
  /**
   * A host fragment whose IPv4 address this returns true for is dropped unparsed: a host already known (from its
   * ARP reply in nmap's packet trace) would cost a parse for nothing, and parsing is most of this reader's time.
   */
  readonly known?: (ip: string) => boolean;
}

// nmap writes a host's IPv4 address on a line of its own, in this form, before anything the network supplies.
const HOST_IPV4 = /<address addr="(\d{1,3}(?:\.\d{1,3}){3})" addrtype="ipv4"\/>/;

export function createNmapXmlStream(opts: NmapXmlStreamOptions = {}): NmapXmlStream {
  const maxBuffer = opts.maxBuffer ?? DEFAULT_MAX_NMAP_BUFFER;
  const event = (fragment: string, events: NmapEvent[]) => {
    const ip = opts.known && fragment.startsWith('<host') ? HOST_IPV4.exec(fragment)?.[1] : undefined;
    if (ip === undefined || !opts.known!(ip)) events.push(toEvent(fragment, maxBuffer));
  };
  // Text not yet scanned for a fragment start; holds at most an undecided `<ho…` between pushes.
  let buf = '';
  // A fragment whose end has not arrived. Its text is kept as a list of chunks and only the last
  // few characters are searched again, so one-character pushes stay linear (appending to one
  // string and searching it would re-flatten the whole string on every push).
  let pending: { frag: Fragment; parts: string[]; length: number; tail: string } | null = null;

  function feed(chunk: string): NmapEvent[] {
    const events: NmapEvent[] = [];
    if (pending) {
      const window = pending.tail + chunk;
      const at = window.indexOf(pending.frag.close);
      if (at < 0) {
        pending.parts.push(chunk);
        pending.length += chunk.length;
        pending.tail = window.slice(-(pending.frag.close.length - 1) || window.length);
        if (pending.length > maxBuffer) {
          events.push({ kind: 'error', message: `nmap XML: ${pending.length} characters without a complete element; discarded` });
          pending = null;
        }
        return events;
      }
      const cut = at - pending.tail.length + pending.frag.close.length; // just past the end, in `chunk`
      if (pending.frag !== COMMENT) event(pending.parts.join('') + chunk.slice(0, cut), events);
      pending = null;
      chunk = chunk.slice(cut);
    }
    buf += chunk;
    let pos = 0;
    for (;;) {
      const lt = buf.indexOf('<', pos);
      if (lt < 0) {
        pos = buf.length;
        break;
      }
      pos = lt;
      const what = classify(buf, lt);
      if (what === 'need-more') break;
      if (what === 'other') {
        pos = lt + 1;
        continue;
      }
      const close = buf.indexOf(what.close, lt + what.open.length);
      if (close < 0) {
        // Hand the rest to `pending`; the next push continues from there.
        const rest = buf.slice(lt);
        buf = '';
        events.push(...feedPending(what, rest));
        return events;
      }
      pos = close + what.close.length;
      if (what !== COMMENT) event(buf.slice(lt, pos), events);
    }
    buf = buf.slice(pos);
    return events;
  }

  function feedPending(frag: Fragment, text: string): NmapEvent[] {
    // The opening `<host` (or `<!--`) is stored but never searched: an end cannot overlap it.
    pending = { frag, parts: [frag.open], length: frag.open.length, tail: '' };
    const rest = text.slice(frag.open.length);
    return rest ? feed(rest) : [];
  }

  return {
    push(chunk: string): NmapEvent[] {
      if (typeof chunk !== 'string' || chunk.length === 0) return [];
      return feed(chunk);
    },
    end(): NmapEvent[] {
      const events: NmapEvent[] = [];
      if (pending && pending.frag !== COMMENT) events.push({ kind: 'error', message: `nmap XML ended inside ${pending.frag.open}>` });
      buf = '';
      pending = null;
      return events;
    },
  };
}

type Fragment = (typeof FRAGMENTS)[number] | typeof COMMENT;

/** What starts at `lt`: a fragment we want, a comment to skip, anything else, or too few bytes to tell. */
function classify(buf: string, lt: number): Fragment | 'other' | 'need-more' {
  for (const f of [...FRAGMENTS, COMMENT]) {
    const have = buf.length - lt;
    if (have < f.open.length) {
      if (f.open.startsWith(buf.slice(lt))) return 'need-more';
      continue;
    }
    if (!buf.startsWith(f.open, lt)) continue;
    if (f === COMMENT) return f;
    // `<host` must not match `<hosthint>` or `<hosts up=…/>`.
    const next = buf[lt + f.open.length];
    if (next === undefined) return 'need-more';
    if (/[\s/>]/.test(next)) return f;
  }
  return 'other';
}

function toEvent(fragment: string, maxBytes: number): NmapEvent {
  try {
    const root = parseXml(fragment, { attributes: true, arrays: ['address'], maxBytes });
    const host = child(root, 'host');
    if (host !== undefined) return hostEvent(host);
    const progress = child(root, 'taskprogress');
    if (progress !== undefined) {
      const percent = decimal(attrOf(progress, 'percent'));
      if (percent === null || percent > 100) throw new ParseError('taskprogress without a valid percent');
      return { kind: 'progress', task: attrOf(progress, 'task'), percent };
    }
    const finished = child(root, 'finished');
    if (finished !== undefined) {
      return {
        kind: 'finished',
        elapsed: decimal(attrOf(finished, 'elapsed')),
        exit: attrOf(finished, 'exit'),
        summary: attrOf(finished, 'summary'),
        errormsg: attrOf(finished, 'errormsg'),
      };
    }
    throw new ParseError('unexpected element');
  } catch (err) {
    if (!(err instanceof ParseError)) throw err; // a bug, not bad input
    return { kind: 'error', message: `nmap XML: ${err.message}` };
  }
}

function hostEvent(host: XmlValue): NmapEvent {
  const addresses = children(host, 'address', MAX_ADDRESSES);
  const byType = (t: string) => addresses.find((a) => attrOf(a, 'addrtype') === t);
  const ip = attrOf(byType('ipv4'), 'addr') ?? attrOf(byType('ipv6'), 'addr');
  if (!ip) throw new ParseError('<host> without an IP address');
  const mac = byType('mac');
  const status = child(host, 'status');
  return {
    kind: 'host',
    ip,
    mac: normalizeMac(attrOf(mac, 'addr')),
    nmapVendor: attrOf(mac, 'vendor'),
    state: attrOf(status, 'state'),
    reason: attrOf(status, 'reason'),
  };
}

/** A non-negative decimal as nmap writes them ("42.00", "1.91"), or null. */
function decimal(text: string | null): number | null {
  return text !== null && /^\d{1,12}(?:\.\d{1,12})?$/.test(text) ? Number(text) : null;
}
