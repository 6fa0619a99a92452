// Hikvision payloads.
//
// Envelope and discovery header: the real DS-2CD3955FWD-IWS ProbeMatch quoted in
// shared/research/peers-and-protocols.md §3.1 (from programcj/programming_path
// `3-work/linux/onvif/Onvif_Discover.c`): `env:` SOAP prefix, `wsadis:` for WS-Addressing 2004/08, `d:` for
// discovery, the long namespace list including the vendor's own tnshik/hikwsd/hikxsd, a MessageID equal to
// the EndpointReference address (a quirk of that capture), `d:AppSequence` after the Action, MetadataVersion 10.
// Body layout (tab indentation, scopes on one line): the real DS-2CD2385G1-I ProbeMatch body, same section.
// The device-service replies reuse that envelope: the real Hikvision GetNetworkInterfaces reply (agsh/onvif
// mock, §3.2) declares the same tnshik/hikwsd/hikxsd namespaces. No real Hikvision GetDeviceInformation
// capture exists; its body follows the ONVIF schema with the Dahua/Axis element order.

import { type ProbeMatchArgs, type SoapFault, type VendorPayloads, WSA_ANONYMOUS, WSD_ACTION_PROBE_MATCHES, faultBody, indentXml, probeMatchElement } from './common.js';
import { esc } from '../xml.js';

/** Namespace declarations of the real ProbeMatch, in capture order. */
export const HIKVISION_ENVELOPE_NS =
  'xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:soapenc="http://www.w3.org/2003/05/soap-encoding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:timg="http://www.onvif.org/ver20/imaging/wsdl" xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" xmlns:tan="http://www.onvif.org/ver20/analytics/wsdl" xmlns:tst="http://www.onvif.org/ver10/storage/wsdl" xmlns:ter="http://www.onvif.org/ver10/error" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tns1="http://www.onvif.org/ver10/topics" xmlns:tmd="http://www.onvif.org/ver10/deviceIO/wsdl" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl" xmlns:wsoap12="http://schemas.xmlsoap.org/wsdl/soap12" xmlns:http="http://schemas.xmlsoap.org/wsdl/http" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:wsadis="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:wstop="http://docs.oasis-open.org/wsn/t-1" xmlns:wsrf-bf="http://docs.oasis-open.org/wsrf/bf-2" xmlns:wsntw="http://docs.oasis-open.org/wsn/bw-2" xmlns:wsrf-rw="http://docs.oasis-open.org/wsrf/rw-2" xmlns:wsaw="http://www.w3.org/2006/05/addressing/wsdl" xmlns:wsrf-r="http://docs.oasis-open.org/wsrf/r-2" xmlns:trc="http://www.onvif.org/ver10/recording/wsdl" xmlns:tse="http://www.onvif.org/ver10/search/wsdl" xmlns:trp="http://www.onvif.org/ver10/replay/wsdl" xmlns:tnshik="http://www.hikvision.com/2011/event/topics" xmlns:hikwsd="http://www.onvifext.com/onvif/ext/ver10/wsdl" xmlns:hikxsd="http://www.onvifext.com/onvif/ext/ver10/schema" xmlns:tas="http://www.onvif.org/ver10/advancedsecurity/wsdl"';

const DECL = '<?xml version="1.0" encoding="utf-8"?>\n';

function envelope(header: string, body: string): string {
  return `${DECL}<env:Envelope ${HIKVISION_ENVELOPE_NS}>\n${header}\t<env:Body>\n${indentXml(body, '\t', 2)}\t</env:Body>\n</env:Envelope>\n`;
}

export const hikvision: VendorPayloads = {
  probeMatches(m: ProbeMatchArgs): string {
    const header =
      '\t<env:Header>\n' +
      `\t\t<wsadis:MessageID>${esc(m.endpoint)}</wsadis:MessageID>\n` +
      `\t\t<wsadis:RelatesTo>${esc(m.relatesTo)}</wsadis:RelatesTo>\n` +
      `\t\t<wsadis:To>${WSA_ANONYMOUS}</wsadis:To>\n` +
      `\t\t<wsadis:Action>${WSD_ACTION_PROBE_MATCHES}</wsadis:Action>\n` +
      `\t\t<d:AppSequence InstanceId="${m.instanceId}" MessageNumber="${m.messageNumber}"/>\n` +
      '\t</env:Header>\n';
    return envelope(header, probeMatchElement('d', 'wsadis', m));
  },
  response(body: string): string {
    return envelope('', body);
  },
  fault(f: SoapFault): string {
    return envelope('', faultBody('env', f));
  },
};
