// Whether this process may open raw sockets: nmap needs them to ARP-ping and report MAC addresses.
import { readFileSync } from 'node:fs';

const CAP_NET_RAW = 13n;

export function canUseRawSockets(): boolean {
  if (process.getuid?.() === 0) return true;
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const eff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
    return eff !== undefined && ((BigInt(`0x${eff}`) >> CAP_NET_RAW) & 1n) === 1n;
  } catch {
    return false;
  }
}
