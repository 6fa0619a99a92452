// Devices of the default lab that only their HTTP and RTSP banners identify (issue "Find what ONVIF and OUI
// miss"), at 198.18.0.31-.39, and one behind the router at 198.19.1.31. Their answers are modelled on real ones
// (payloads/web.ts, payloads/rtsp.ts, payloads/tls.ts); each note says what a scan should conclude and why.

import type { DeviceProfile, DeviceServices } from './topology.js';

export function bannerDevices(segA: string, segB: string, gatewayB: string): DeviceProfile[] {
  return [
    {
      name: 'hik-banner',
      segment: segA,
      ip: '198.18.0.31',
      mac: '0a:4e:b1:aa:bb:31',
      note:
        'Hikvision with ONVIF off (the firmware default since 5.5.0) and a locally administered MAC: its web server (App-webs/, ' +
        'the /doc/page/login.asp redirect, the ISAPI realm, the HIKVISION certificate on 443) and RTSP realm name it',
      services: {
        http: { flavour: 'hikvision', tlsPort: 443, realm: 'IP Camera(C2875)' },
        rtsp: { flavour: 'hikvision', realm: 'IP Camera(C2875)' },
      },
    },
    {
      name: 'ezviz-cam',
      segment: segA,
      ip: '198.18.0.32',
      mac: '94:ec:13:aa:bb:32',
      note:
        'EZVIZ consumer camera (Hikvision subsidiary) under an EZVIZ OUI, no web UI. No capture of an EZVIZ banner exists, so its RTSP ' +
        'server answers without naming anyone: the registry MAC names the maker, and nothing in the banners may contradict it',
      services: { rtsp: { flavour: 'generic', realm: '/' } },
    },
    {
      name: 'imou-cam',
      segment: segA,
      ip: '198.18.0.36',
      mac: '1c:4d:89:aa:bb:36',
      note:
        'Imou consumer camera (Hangzhou Huacheng, a Dahua subsidiary) under a Huacheng OUI and silent to every probe, as cloud-managed ' +
        'consumer cameras are: the registry MAC is the only signal, and it reaches Dahua through the family tree',
      services: {},
    },
    {
      name: 'hanwha-cam',
      segment: segA,
      ip: '198.18.0.33',
      mac: '00:09:18:aa:bb:33',
      note: 'Hanwha (Samsung Techwin OUI), not restricted: its web server refuses everything with the iPolis realm',
      services: { http: { flavour: 'hanwha', realm: 'iPolis' } },
    },
    {
      name: 'bosch-cam',
      segment: segA,
      ip: '198.18.0.34',
      mac: '00:07:5f:aa:bb:34',
      note:
        'Bosch VideoJet, not restricted, under the OUI of VCS Video Communication Systems AG (which no entity claims): only its ' +
        'Server header (VCS-VideoJet-Webserver) names the maker',
      services: { http: { flavour: 'bosch' } },
    },
    {
      name: 'annke-relabel',
      segment: segA,
      ip: '198.18.0.35',
      mac: '0e:a2:7c:aa:bb:35',
      note:
        'ANNKE relabel of Hikvision firmware, locally administered MAC: the Server header says the brand (MWS 0.01, ANNKE), while the ' +
        'login redirect, the ISAPI realm and the RTSP realm are Hikvision firmware; the protocol-level signals decide the maker',
      services: {
        http: { flavour: 'hikvision', server: 'MWS 0.01', realm: 'IP Camera(C5654)' },
        rtsp: { flavour: 'hikvision', realm: 'IP Camera(C5654)' },
      },
    },
    {
      name: 'dahua-web-routed',
      segment: segB,
      ip: '198.19.1.31',
      mac: '08:ed:ed:aa:bb:31',
      routes: [{ to: 'default', via: gatewayB }],
      note:
        'Dahua behind the router with ONVIF off: no ARP entry, so only the MAC its RPC2 login challenge states can name it, ' +
        'and the challenge realm and RTSP realm carry its serial',
      services: {
        http: { flavour: 'dahua', serial: '4M0747EPAA1D285' },
        rtsp: { flavour: 'dahua', realm: 'Login to 4M0747EPAA1D285' },
      },
    },
  ];
}

/** Web and RTSP servers of the default lab's ONVIF cameras, as their real models run them (by device name). */
const CAMERA_BANNERS: Readonly<Record<string, Pick<DeviceServices, 'http' | 'rtsp'>>> = {
  'hik-onvif': { http: { flavour: 'hikvision', realm: 'IP Camera(C2183)' }, rtsp: { flavour: 'hikvision', realm: 'IP Camera(C2183)' } },
  'dahua-onvif': { http: { flavour: 'dahua', serial: 'BA07995PHA29A85' }, rtsp: { flavour: 'dahua', realm: 'Login to BA07995PHA29A85' } },
  'routed-hik': { http: { flavour: 'hikvision', realm: 'IP Camera(D2959)' }, rtsp: { flavour: 'hikvision', realm: 'IP Camera(D2959)' } },
};

export function withBanners(d: DeviceProfile): DeviceProfile {
  const extra = CAMERA_BANNERS[d.name];
  return extra ? { ...d, services: { ...d.services, ...extra } } : d;
}
