// How hard camaudit may press on the network and on any one device. Discovery protocols are classic
// DDoS reflectors and cheap cameras fall over under parallel connections, so: one probes-per-second
// budget for the whole scan (--rate), a cap on exchanges in flight per host, and a cap on the bytes
// one host can make us read over the whole scan (a device streaming 20 MB per request costs its cap once).

export interface PaceOptions {
  /** Probes (datagrams sent, connections opened) per second across the scan. */
  readonly rate: number;
  /** Exchanges in flight with one host at a time. */
  readonly perHost: number;
  /** Bytes read from one host over the whole scan. */
  readonly hostBytes: number;
}

export const DEFAULT_PACE: PaceOptions = { rate: 300, perHost: 2, hostBytes: 1024 * 1024 };

/** Leave to talk to one host (or to send one multicast probe). */
export interface Permit {
  /** Waits for the rate limit before one more probe under this permit; false when `signal` aborts first. */
  again(signal?: AbortSignal): Promise<boolean>;
  /** Gives the per-host slot back. Idempotent. */
  release(): void;
}

export interface Pacer {
  readonly options: PaceOptions;
  /** Waits for a rate token and, for a host, a free slot; null when `signal` aborts first. */
  acquire(host: string | null, signal?: AbortSignal): Promise<Permit | null>;
  /** Counts bytes read from `host`; false once its budget for the scan is spent (stop reading, drop the rest). */
  take(host: string, bytes: number): boolean;
}

interface HostState {
  active: number;
  bytes: number;
  readonly waiting: (() => void)[];
}

export function createPacer(options: Partial<PaceOptions> = {}): Pacer {
  const opts: PaceOptions = { ...DEFAULT_PACE, ...options };
  const interval = 1000 / opts.rate;
  // Virtual scheduling: each probe books the next free send time, so probes leave evenly spaced in
  // arrival order. A small burst allowance keeps an idle scanner from paying the interval up front.
  const burstMs = Math.min(100, interval * 4);
  let nextSend = 0;
  const hosts = new Map<string, HostState>();
  const state = (host: string): HostState => {
    let s = hosts.get(host);
    if (!s) hosts.set(host, (s = { active: 0, bytes: 0, waiting: [] }));
    return s;
  };

  const aborted = (signal?: AbortSignal) => signal?.aborted ?? false;

  const waitFor = (register: (wake: () => void) => () => void, signal?: AbortSignal) =>
    new Promise<boolean>((resolve) => {
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

  const token = (signal?: AbortSignal): Promise<boolean> => {
    const now = performance.now();
    const at = Math.max(nextSend, now - burstMs);
    nextSend = at + interval;
    const delay = at - now;
    if (delay < 1) return Promise.resolve(!aborted(signal));
    return waitFor((wake) => {
      const t = setTimeout(wake, delay);
      return () => clearTimeout(t);
    }, signal);
  };

  const freeSlot = (s: HostState) => {
    s.active--;
    s.waiting.shift()?.();
  };

  return {
    options: opts,
    async acquire(host, signal) {
      const s = host === null ? null : state(host);
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
    take(host, bytes) {
      const s = state(host);
      s.bytes += bytes;
      return s.bytes <= opts.hostBytes;
    },
  };
}
