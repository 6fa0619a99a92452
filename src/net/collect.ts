// Reading a reply from a device: at most `maxBytes` kept, every chunk charged to the host's byte budget for
// the scan, so neither one 20 MB answer nor many small ones can make camaudit buffer without bound.
import type { Scope } from './scope.js';

export type Collected = 'more' | 'full' | 'over-budget';

export interface Collector {
  /** 'full': the cap is reached (stop reading; the reply is truncated); 'over-budget': the host sent too much this scan. */
  add(chunk: Buffer): Collected;
  data(): Buffer;
  /** Bytes kept so far. */
  readonly size: number;
  readonly truncated: boolean;
}

export function collector(scope: Scope, ip: string, maxBytes: number): Collector {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  return {
    add(chunk) {
      if (!scope.received(ip, chunk.length)) return 'over-budget';
      const room = maxBytes - size;
      const kept = chunk.length >= room ? chunk.subarray(0, room) : chunk;
      chunks.push(kept);
      size += kept.length;
      if (chunk.length < room) return 'more';
      truncated = true;
      return 'full';
    },
    data: () => Buffer.concat(chunks, size),
    get size() {
      return size;
    },
    get truncated() {
      return truncated;
    },
  };
}

export const overBudget = (ip: string) => ({ status: 'protocol-error', error: `${ip} sent more than its byte budget for the scan` }) as const;
