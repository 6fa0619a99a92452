// Simulated Hikvision SADP responder (UDP 37020). Answers a well-formed `<Probe>` that carries a Uuid and an
// inquiry Types with a ProbeMatch echoing both (payloads/sadp.ts); ignores and logs anything else, including
// other devices' ProbeMatches seen on the group.

import type { SadpService } from '../topology.js';
import { sadpProbeMatch } from '../payloads/sadp.js';
import { isWellFormed, rootName, text } from '../xml.js';
import type { ServiceContext, ServiceHandle } from './context.js';
import { startResponder } from './discovery-responder.js';

export const SADP_GROUP = '239.255.255.250';
export const SADP_PORT = 37020;

export function startSadp(svc: SadpService, ctx: ServiceContext): Promise<ServiceHandle> {
  return startResponder(
    {
      service: 'sadp',
      group: SADP_GROUP,
      port: SADP_PORT,
      replyTo: svc.replyTo,
      answer(datagram, device) {
        const xml = datagram.toString('utf8');
        if (!isWellFormed(xml)) return { op: 'malformed', reply: null };
        const op = rootName(xml) ?? 'empty';
        const uuid = text(xml, 'Uuid');
        const types = text(xml, 'Types');
        if (op !== 'Probe' || !uuid || !types || !/^inquiry(?:_v\d+)?$/.test(types)) return { op, reply: null };
        const reply = sadpProbeMatch(svc, { uuid, types, ...device, bootTime: ctx.bootTime });
        return { op, reply: Buffer.from(reply, 'utf8'), detail: { uuid } };
      },
    },
    ctx,
  );
}
