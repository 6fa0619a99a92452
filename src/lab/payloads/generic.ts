// A vendor-neutral ONVIF device: the ProbeMatch layout of agsh/onvif's old mock `test/serverMockup/Probe.xml`
// (read at be84291^; quoted in shared/research/peers-and-protocols.md §3.1): wsdd/wsa prefixes, `uuid:` endpoint,
// MetadataVersion 1, four-space indentation. Envelope in the SOAP-ENV style most gSOAP-based firmware uses.

import { NS, type ProbeMatchArgs, type SoapFault, type VendorPayloads, WSA_ANONYMOUS, WSD_ACTION_PROBE_MATCHES, faultBody, indentXml, probeMatchElement } from './common.js';
import { esc } from '../xml.js';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
const ENVELOPE_NS = `xmlns:SOAP-ENV="${NS.soap}" xmlns:wsa="${NS.wsa}" xmlns:wsdd="${NS.wsd}" xmlns:tt="${NS.tt}" xmlns:tds="${NS.tds}" xmlns:dn="${NS.dn}" xmlns:ter="${NS.ter}"`;

function envelope(header: string, body: string): string {
  return `${DECL}<SOAP-ENV:Envelope ${ENVELOPE_NS}>\n${header}    <SOAP-ENV:Body>\n${indentXml(body, '    ', 2)}    </SOAP-ENV:Body>\n</SOAP-ENV:Envelope>\n`;
}

export const generic: VendorPayloads = {
  probeMatches(m: ProbeMatchArgs): string {
    const header =
      '    <SOAP-ENV:Header>\n' +
      `        <wsa:MessageID>uuid:${m.freshUuid}</wsa:MessageID>\n` +
      `        <wsa:RelatesTo>${esc(m.relatesTo)}</wsa:RelatesTo>\n` +
      `        <wsa:To>${WSA_ANONYMOUS}</wsa:To>\n` +
      `        <wsa:Action>${WSD_ACTION_PROBE_MATCHES}</wsa:Action>\n` +
      '    </SOAP-ENV:Header>\n';
    return envelope(header, probeMatchElement('wsdd', 'wsa', m));
  },
  response(body: string): string {
    return envelope('', body);
  },
  fault(f: SoapFault): string {
    return envelope('', faultBody('SOAP-ENV', f));
  },
};
