// Dahua payloads.
//
// Discovery: modelled on the real IPC-HFW2228M-I1-V2 `Hello` quoted in shared/research/peers-and-protocols.md §3.1
// (an Elixir ONVIF library's test): `<?xml … standalone="yes" ?>` (note the space before `?>`), prefixes s/sc/dn/tds/d/a,
// `uuid:` MessageIDs and endpoint addresses without `urn:`, two-space indentation, MetadataVersion 1. A ProbeMatch
// differs from that Hello only in its header (RelatesTo, anonymous To, ProbeMatches action) and body element.
// Device service: the real DH-2H3400-ADP GetDeviceInformation reply (§3.2, a Go test): same XML declaration,
// envelope declaring only s/tt/tds, one-space indentation.
// NotAuthorized fault: the real Dahua fault text with its lockout counter (§3.2, Quedale/OnvifDeviceManager#19).
// Dahua has no vendor namespace of its own (research found none).

import { NS, type ProbeMatchArgs, type SoapFault, type VendorPayloads, WSA_ANONYMOUS, WSD_ACTION_PROBE_MATCHES, faultBody, indentXml, probeMatchElement } from './common.js';
import { esc } from '../xml.js';

const DECL = '<?xml version="1.0" encoding="utf-8" standalone="yes" ?>\n';

export const dahua: VendorPayloads = {
  probeMatches(m: ProbeMatchArgs): string {
    return (
      DECL +
      `<s:Envelope xmlns:s="${NS.soap}" xmlns:sc="${NS.soapenc}"\n  xmlns:dn="${NS.dn}" xmlns:tds="${NS.tds}"\n  xmlns:d="${NS.wsd}" xmlns:a="${NS.wsa}">\n` +
      '  <s:Header>\n' +
      `    <a:MessageID>uuid:${m.freshUuid}</a:MessageID>\n` +
      `    <a:RelatesTo>${esc(m.relatesTo)}</a:RelatesTo>\n` +
      `    <a:To>${WSA_ANONYMOUS}</a:To>\n` +
      `    <a:Action>${WSD_ACTION_PROBE_MATCHES}</a:Action>\n` +
      '  </s:Header>\n' +
      '  <s:Body>\n' +
      indentXml(probeMatchElement('d', 'a', m), '  ', 2) +
      '  </s:Body>\n' +
      '</s:Envelope>\n'
    );
  },
  response(body: string): string {
    return `${DECL}<s:Envelope xmlns:s="${NS.soap}" xmlns:tt="${NS.tt}" xmlns:tds="${NS.tds}">\n <s:Body>\n${indentXml(body, ' ', 2)} </s:Body>\n</s:Envelope>\n`;
  },
  fault(f: SoapFault): string {
    return `${DECL}<s:Envelope xmlns:s="${NS.soap}" xmlns:ter="${NS.ter}">\n <s:Body>\n  ${faultBody('s', f)}\n </s:Body>\n</s:Envelope>\n`;
  },
};

/** The real Dahua NotAuthorized reason; `left` is the remaining-attempts counter Dahua appends. */
export function dahuaNotAuthorizedReason(left: number): string {
  return `Sender not Authorized. Invalid username or password! You still have ${left} attempt(s).`;
}
