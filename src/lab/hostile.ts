// The hostile lab: honest cameras (the default lab's own profiles, re-addressed) on one segment with devices
// that attack the scanner (services/hostile.ts): XXE and billion laughs over SOAP and WS-Discovery, a 20 MB
// body, a tarpit, a byte-dripper, garbage datagrams, an XAddr pointing outside the targets, and a canary web
// server outside the targets that no packet may reach. A scan of HOSTILE_TARGETS must finish within its
// deadlines, flag the honest devices as it does in the default lab, and report the hostile ones as protocol errors.

import { defaultLab, type DeviceProfile, type HostileService, type LabTopology } from './topology.js';

const SEG = 'h';
export const HOSTILE_SEGMENT = '198.18.64.0/24';
/** What the tests scan: the canary (.200) lies outside. */
export const HOSTILE_TARGETS = '198.18.64.0/25';
export const HOSTILE_SCANNER_IP = '198.18.64.1';
export const CANARY_IP = '198.18.64.200';
export const CANARY_URL = `http://${CANARY_IP}/xxe-canary`;

const ip = (host: number): string => `198.18.64.${host}`;
const mac = (host: number): string => `02:ba:d0:00:00:${host.toString(16).padStart(2, '0')}`;

/** A default-lab device moved onto this segment (its MAC kept unless given). */
function honest(name: string, host: number, newName = name, newMac?: string): DeviceProfile {
  const d = defaultLab().devices.find((x) => x.name === name);
  if (!d) throw new Error(`hostile lab: no device ${name} in the default lab`);
  const { routes: _routes, ...rest } = d;
  return { ...rest, name: newName, segment: SEG, ip: ip(host), mac: newMac ?? d.mac };
}

/** An ordinary WS-Discovery responder advertising `xaddrs` (default: the device's own SOAP URL) in front of a hostile web server. */
function behindHonestDiscovery(name: string, host: number, hostile: HostileService, note: string, xaddrs = [`http://${ip(host)}/onvif/device_service`]): DeviceProfile {
  return {
    name,
    segment: SEG,
    ip: ip(host),
    mac: mac(host),
    note,
    services: {
      wsDiscovery: {
        flavour: 'generic',
        endpoint: `uuid:0badd000-0000-4000-8000-${mac(host).replace(/:/g, '')}`,
        types: 'dn:NetworkVideoTransmitter tds:Device',
        scopes: ['onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/name/IPC'],
        xaddrs,
        metadataVersion: 1,
      },
      ...(Object.keys(hostile).length ? { hostile } : {}),
    },
  };
}

const attacker = (name: string, host: number, hostile: HostileService, note: string): DeviceProfile => ({
  name,
  segment: SEG,
  ip: ip(host),
  mac: mac(host),
  note,
  services: { hostile },
});

export function hostileLab(): LabTopology {
  const devices: DeviceProfile[] = [
    honest('hik-onvif', 11),
    honest('dahua-onvif', 12),
    honest('axis-onvif', 13),
    honest('huawei-silent', 14),
    honest('onvif-auth', 19),
    honest('onvif-auth', 31, 'auth-elsewhere', '02:5e:11:aa:bb:31'),
    behindHonestDiscovery('xxe-soap', 21, { http: 'xxe', canaryUrl: CANARY_URL }, 'SOAP replies declare an external entity at the canary'),
    behindHonestDiscovery('laughs-soap', 22, { http: 'billion-laughs' }, 'SOAP replies are a billion-laughs entity bomb'),
    behindHonestDiscovery('huge-soap', 23, { http: 'huge' }, 'SOAP replies are 20 MB long'),
    behindHonestDiscovery('tarpit', 24, { http: 'tarpit' }, 'accepts TCP 80 and never answers'),
    behindHonestDiscovery('dripper', 25, { http: 'drip' }, 'answers one byte every 250 ms'),
    attacker('xxe-wsd', 26, { wsDiscovery: 'xxe', canaryUrl: CANARY_URL }, 'WS-Discovery replies declare an external entity at the canary'),
    attacker('laughs-wsd', 27, { wsDiscovery: 'billion-laughs' }, 'WS-Discovery replies are a billion-laughs entity bomb'),
    attacker('garbage-wsd', 28, { wsDiscovery: 'garbage' }, 'answers WS-Discovery with random, truncated, duplicated and oversized datagrams'),
    behindHonestDiscovery('foreign-xaddr', 29, {}, 'advertises XAddrs on the canary and on an address outside the lab', [
      `http://${CANARY_IP}/onvif/device_service`,
      'http://198.19.250.7/onvif/device_service',
    ]),
    attacker('canary', 200, { http: 'canary' }, 'outside the targets: its request log must stay empty'),
  ];
  return {
    name: 'camaudit-hostile',
    segments: [{ id: SEG, cidr: HOSTILE_SEGMENT }],
    scanner: { name: 'scanner', segment: SEG, ip: HOSTILE_SCANNER_IP, mac: '02:ca:00:00:40:01' },
    routers: [],
    devices,
  };
}
