// Reader for nmap's --packet-trace lines on stdout, fed in arbitrary chunks: only the ARP replies it received.
//
// Why: nmap writes a <host> to its XML only once the whole host group's ping phase ends (on a /24, after the
// last retransmission to the dead addresses), but it prints each packet as it goes. An ARP reply names a live
// on-link host and its MAC the moment it arrives, so its probes can start then.
// Reads (nmap 7.x, output.cc/tcpip.cc), e.g. from `nmap -sn -n --packet-trace 198.18.0.0/24`:
//   SENT (0.0101s) ARP who-has 198.18.0.2 tell 198.18.0.1
//   RCVD (0.0102s) ARP reply 198.18.0.2 is-at B8:27:EB:00:00:10
// Anything else (SENT lines, ICMP/TCP traces, nmap's normal output) is ignored, as is a line longer than any
// trace line nmap writes.
import { normalizeMac } from '../core/mac.js';

export interface ArpReply {
  readonly ip: string;
  readonly mac: string; // lower-case colon form
}

export interface NmapTraceStream {
  push(chunk: string): ArpReply[];
}

const MAX_LINE = 1024;
const ARP_REPLY = /^RCVD \([\d.]+s\) ARP reply (\d{1,3}(?:\.\d{1,3}){3}) is-at ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})\s*$/;

export function createNmapTraceStream(): NmapTraceStream {
  let partial = '';
  return {
    push(chunk) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      if (partial.length > MAX_LINE) partial = '';
      const replies: ArpReply[] = [];
      for (const line of lines) {
        if (!line.startsWith('RCVD') || line.length > MAX_LINE) continue;
        const m = ARP_REPLY.exec(line);
        const mac = m ? normalizeMac(m[2]) : null;
        if (m && mac) replies.push({ ip: m[1]!, mac });
      }
      return replies;
    },
  };
}
