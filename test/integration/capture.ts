// What left the scanner: tcpdump on the scanner namespace's eth0, outgoing packets only, as parsed lines.
import type { Lab } from '../../src/lab/netns.js';

export type Packet =
  | { readonly kind: 'ip'; readonly src: string; readonly dst: string; readonly igmp: boolean; readonly line: string }
  | { readonly kind: 'arp-request'; readonly target: string; readonly line: string }
  | { readonly kind: 'arp-reply'; readonly line: string }
  | { readonly kind: 'other'; readonly line: string };

const IP = /^\d+\.\d+ IP (\d+\.\d+\.\d+\.\d+)(?:\.\d+)? > (\d+\.\d+\.\d+\.\d+)(?:\.\d+)?: (.*)$/;
const ARP_REQUEST = /^\d+\.\d+ ARP, Request who-has (\d+\.\d+\.\d+\.\d+)/;

export function parsePacket(line: string): Packet {
  const ip = IP.exec(line);
  if (ip) return { kind: 'ip', src: ip[1]!, dst: ip[2]!, igmp: /^igmp /.test(ip[3]!), line };
  const arp = ARP_REQUEST.exec(line);
  if (arp) return { kind: 'arp-request', target: arp[1]!, line };
  if (/^\d+\.\d+ ARP, Reply /.test(line)) return { kind: 'arp-reply', line };
  return { kind: 'other', line };
}

export interface Capture {
  /** Stops tcpdump and returns every outgoing packet it saw. */
  stop(): Promise<Packet[]>;
}

export async function captureScanner(lab: Lab): Promise<Capture> {
  const child = lab.spawnInScanner('tcpdump', ['-i', 'eth0', '-n', '-l', '-tt', '-Q', 'out'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start: ${err}`)), 10_000);
    child.stderr!.on('data', (d: string) => {
      err += d;
      if (/listening on eth0/.test(err)) (clearTimeout(timer), resolve());
    });
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`tcpdump exited (${code}): ${err}`))));
  });
  return {
    async stop() {
      const exited = new Promise((r) => child.once('close', r)); // after stdout is drained
      child.kill('SIGINT'); // tcpdump flushes and exits on SIGINT
      await exited;
      return out.split('\n').filter(Boolean).map(parsePacket);
    },
  };
}
