// Axis payloads.
//
// Device service: the real AXIS M5525-E GetDeviceInformation reply quoted in shared/research/peers-and-protocols.md
// §3.2 (a C# test attribute): gSOAP-style `SOAP-ENV:` prefix, everything on one line. Axis envelopes declare the
// vendor namespace `tnsaxis` (§3.2). No real Axis ProbeMatch capture was found: the discovery reply is
// SYNTHETIC, in the same gSOAP style (SOAP-ENV, wsa, wsdd prefixes, as gSOAP's WS-Discovery plugin writes them).

import { NS, type ProbeMatchArgs, type SoapFault, type VendorPayloads, WSA_ANONYMOUS, WSD_ACTION_PROBE_MATCHES, faultBody, probeMatchElement } from './common.js';
import { esc } from '../xml.js';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
const ENVELOPE_NS =
  `xmlns:SOAP-ENV="${NS.soap}" xmlns:SOAP-ENC="${NS.soapenc}" xmlns:xsi="${NS.xsi}" xmlns:xsd="${NS.xs}" ` +
  `xmlns:wsa="${NS.wsa}" xmlns:wsdd="${NS.wsd}" xmlns:tt="${NS.tt}" xmlns:tds="${NS.tds}" xmlns:dn="${NS.dn}" xmlns:ter="${NS.ter}" ` +
  'xmlns:tnsaxis="http://www.axis.com/2009/event/topics"';

export const axis: VendorPayloads = {
  probeMatches(m: ProbeMatchArgs): string {
    return (
      `${DECL}<SOAP-ENV:Envelope ${ENVELOPE_NS}><SOAP-ENV:Header>` +
      `<wsa:MessageID>urn:uuid:${m.freshUuid}</wsa:MessageID><wsa:RelatesTo>${esc(m.relatesTo)}</wsa:RelatesTo>` +
      `<wsa:To SOAP-ENV:mustUnderstand="true">${WSA_ANONYMOUS}</wsa:To>` +
      `<wsa:Action SOAP-ENV:mustUnderstand="true">${WSD_ACTION_PROBE_MATCHES}</wsa:Action>` +
      `<wsdd:AppSequence SOAP-ENV:mustUnderstand="true" InstanceId="${m.instanceId}" MessageNumber="${m.messageNumber}"></wsdd:AppSequence>` +
      `</SOAP-ENV:Header><SOAP-ENV:Body>${probeMatchElement('wsdd', 'wsa', m)}</SOAP-ENV:Body></SOAP-ENV:Envelope>`
    );
  },
  response(body: string): string {
    return `${DECL}<SOAP-ENV:Envelope ${ENVELOPE_NS}><SOAP-ENV:Body>${body}</SOAP-ENV:Body></SOAP-ENV:Envelope>`;
  },
  fault(f: SoapFault): string {
    return `${DECL}<SOAP-ENV:Envelope ${ENVELOPE_NS}><SOAP-ENV:Body>${faultBody('SOAP-ENV', f)}</SOAP-ENV:Body></SOAP-ENV:Envelope>`;
  },
};
