// Simulated Dahua DHIP discovery responder (UDP 37810). Answers a DHIP frame whose JSON body asks
// DHDiscover.search with client.notifyDevInfo (payloads/dhip.ts). Like the real devices, which answer a
// request whose length field is wrong (research §3.4), it reads the body to the end of the datagram.

import type { DhipService } from '../topology.js';
import { dhipNotifyDevInfo } from '../payloads/dhip.js';
import type { ServiceContext, ServiceHandle } from './context.js';
import { startResponder } from './discovery-responder.js';

export const DHIP_GROUP = '239.255.255.251';
export const DHIP_PORT = 37810;

/** The request's method, or null when the datagram is not a DHIP frame with a JSON object body. */
export function dhipMethod(datagram: Buffer): string | null {
  if (datagram.length < 32 || datagram.readUInt32LE(0) !== 0x20 || datagram.toString('latin1', 4, 8) !== 'DHIP') return null;
  try {
    const body: unknown = JSON.parse(datagram.toString('utf8', 32).replace(/[\0\s]+$/, ''));
    if (typeof body !== 'object' || body === null || !Object.hasOwn(body, 'method')) return null;
    const method = (body as { method: unknown }).method;
    return typeof method === 'string' ? method : null;
  } catch {
    return null;
  }
}

export function startDhip(svc: DhipService, ctx: ServiceContext): Promise<ServiceHandle> {
  return startResponder(
    {
      service: 'dhip',
      group: DHIP_GROUP,
      port: DHIP_PORT,
      replyTo: svc.replyTo,
      answer(datagram, device) {
        const method = dhipMethod(datagram);
        if (method === null) return { op: 'malformed', reply: null };
        if (method !== 'DHDiscover.search') return { op: method, reply: null };
        return { op: method, reply: dhipNotifyDevInfo(svc, device) };
      },
    },
    ctx,
  );
}
