// How hard camaudit may press on the network and on any one device. Discovery protocols are classic
// DDoS reflectors and cheap cameras fall over under parallel connections, so: one probes-per-second
// budget for the whole scan (--rate), a cap on exchanges in flight per host, and a cap on the bytes
// one host can make us read over the whole scan (a device streaming 20 MB per request costs its cap once).
// Host discovery has a budget of its own: it sends one small packet per address, most of them to nobody,
// and at the probes' rate a /16 would take minutes to sweep before most hosts are even known.
// And the kernel has one: every on-link host we talk to takes an entry in its neighbour table, which it cannot
// reclaim while the entry is fresh and which is capped for the whole machine (README "Performance"). Past the
// cap, datagrams and connection attempts are dropped without an error, so probes to new on-link hosts are
// spread over time: a host is first contacted only while fewer than `neighbours` were in the last 51 s.
import { NEIGHBOUR_WINDOW_MS, neighbourBudget } from './neighbours.js';

export interface PaceOptions {
  /** Probes (datagrams sent, connections opened) per second across the scan, host discovery aside. */
  readonly rate: number;
  /**
   * Host discovery's packets per second (ARP requests, pings): the builtin sweep's pace, nmap's --min-rate and
   * --max-rate. Unset with `rate` set: the lower of the two, so a --rate a user gives caps the sweep as well.
   */
  readonly sweepRate: number;
  /** On-link hosts first contacted per NEIGHBOUR_WINDOW_MS (default: three quarters of the kernel's cap). */
  readonly neighbours: number;
  /** Exchanges in flight with one host at a time. */
  readonly perHost: number;
  /** Bytes read from one host over the whole scan. */
  readonly hostBytes: number;
}

// rate: a /24 of 250 live hosts takes about 1,400 probes (5 per on-link host that runs none of the services), which
// at 3,000 per second fit inside the 750 ms that the multicast discovery listens anyway; 3,000 datagrams and SYNs of
// under 100 bytes are about 2.4 Mbit/s. Each host still sees at most `perHost` exchanges at a time.
export const DEFAULT_PACE: Omit<PaceOptions, 'neighbours'> = { rate: 3000, sweepRate: 1000, perHost: 2, hostBytes: 1024 * 1024 };


/** Leave to talk to one host (or to send one multicast probe). */
export interface Permit {
  /** Waits for the rate limit before one more probe under this permit; false when `signal` aborts first. */
  again(signal?: AbortSignal): Promise<boolean>;
  /** Gives the per-host slot back. Idempotent. */
  release(): void;
}

export interface Pacer {
  readonly options: PaceOptions;
  /**
   * Waits for a rate token and, for a host, a free slot; for an on-link host never contacted before, also for room
   * in the neighbour budget. Null when `signal` aborts first.
   */
  acquire(host: string | null, signal?: AbortSignal, onLink?: boolean): Promise<Permit | null>;
  /** Waits for a host-discovery token (`sweepRate`); false when `signal` aborts first. */
  sweep(signal?: AbortSignal): Promise<boolean>;
  /** Counts bytes read from `host`; false once its budget for the scan is spent (stop reading, drop the rest). */
  take(host: string, bytes: number): boolean;
}

interface HostState {
  active: number;
  bytes: number;
  readonly waiting: (() => void)[];
  /** Settles once the host may be contacted at all (the neighbour budget); shared by its first probes. */
  met?: Promise<boolean>;
}

const aborted = (signal?: AbortSignal) => signal?.aborted ?? false;

function waitFor(register: (wake: () => void) => () => void, signal?: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    if (aborted(signal)) return resolve(false);
    let unregister = () => {};
    const onAbort = () => {
      unregister();
      resolve(false);
    };
    unregister = register(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function waitUntil(at: number, signal?: AbortSignal): Promise<boolean> {
  const delay = at - performance.now();
  if (delay < 1) return Promise.resolve(!aborted(signal));
  return waitFor((wake) => {
    const t = setTimeout(wake, delay);
    return () => clearTimeout(t);
  }, signal);
}

/** Waits until one more send fits in `rate` per second; false when `signal` aborts first. */
function rateLimiter(rate: number): (signal?: AbortSignal) => Promise<boolean> {
  const interval = 1000 / rate;
  // Virtual scheduling: each probe books the next free send time, so probes leave evenly spaced in
  // arrival order. A small burst allowance keeps an idle scanner from paying the interval up front.
  const burstMs = Math.min(100, interval * 4);
  let nextSend = 0;
  return (signal) => {
    const at = Math.max(nextSend, performance.now() - burstMs);
    nextSend = at + interval;
    return waitUntil(at, signal);
  };
}

/** Waits until fewer than `count` calls started in the last `windowMs`; false when `signal` aborts first. */
function windowLimiter(count: number, windowMs: number): (signal?: AbortSignal) => Promise<boolean> {
  const booked: number[] = []; // start times of the last `count` calls, ascending
  return (signal) => {
    const now = performance.now();
    const at = booked.length < count ? now : Math.max(now, booked.shift()! + windowMs);
    booked.push(at);
    return waitUntil(at, signal);
  };
}

export function createPacer(options: Partial<PaceOptions> = {}): Pacer {
  const sweepRate = options.sweepRate ?? Math.min(DEFAULT_PACE.sweepRate, options.rate ?? Infinity);
  const opts: PaceOptions = { ...DEFAULT_PACE, neighbours: options.neighbours ?? neighbourBudget(), ...options, sweepRate };
  const hosts = new Map<string, HostState>();
  const state = (host: string): HostState => {
    let s = hosts.get(host);
    if (!s) hosts.set(host, (s = { active: 0, bytes: 0, waiting: [] }));
    return s;
  };

  const slot = (s: HostState, signal?: AbortSignal): Promise<boolean> => {
    if (s.active < opts.perHost) {
      if (aborted(signal)) return Promise.resolve(false);
      s.active++;
      return Promise.resolve(true);
    }
    return waitFor((wake) => {
      const entry = () => {
        s.active++;
        wake();
      };
      s.waiting.push(entry);
      return () => {
        const i = s.waiting.indexOf(entry);
        if (i >= 0) s.waiting.splice(i, 1);
      };
    }, signal);
  };

  const token = rateLimiter(opts.rate);
  const newNeighbour = windowLimiter(opts.neighbours, NEIGHBOUR_WINDOW_MS);

  const freeSlot = (s: HostState) => {
    s.active--;
    s.waiting.shift()?.();
  };

  return {
    options: opts,
    async acquire(host, signal, onLink = false) {
      const s = host === null ? null : state(host);
      if (s && onLink && !(await (s.met ??= newNeighbour(signal)))) return null;
      if (s && !(await slot(s, signal))) return null;
      if (!(await token(signal))) {
        if (s) freeSlot(s);
        return null;
      }
      let released = false;
      return {
        again: token,
        release() {
          if (released || !s) return;
          released = true;
          freeSlot(s);
        },
      };
    },
    sweep: rateLimiter(opts.sweepRate),
    take(host, bytes) {
      const s = state(host);
      s.bytes += bytes;
      return s.bytes <= opts.hostBytes;
    },
  };
}
