// Checks shared by the namespace-lab tests: what a lab left behind.

import { createSocket } from 'node:dgram';
import { readFileSync, readdirSync } from 'node:fs';
import { listNamespaces } from '../../src/lab/netns.js';

/** Processes whose command line mentions `needle` (the lab dir / prefix is in every device's command line). */
export function processesMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(needle)) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

export const labNamespaces = (prefix: string): string[] => listNamespaces().filter((n) => n.startsWith(`${prefix}-`));

/** Sends one datagram from 127.0.0.1 to `port` and collects every reply for `waitMs`. */
export function udpExchange(port: number, message: string | Buffer, waitMs = 300): Promise<Buffer[]> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const got: Buffer[] = [];
    s.on('message', (b) => got.push(b));
    s.bind(0, '127.0.0.1', () => {
      s.send(message, port, '127.0.0.1');
      setTimeout(() => {
        s.close();
        resolve(got);
      }, waitMs);
    });
  });
}
