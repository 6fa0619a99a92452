// The namespace lab as data: segments (one Linux bridge each), routers, the scanner host and the
// simulated devices. netns.ts turns a LabTopology into namespaces; device.ts runs one DeviceProfile.
//
// SAFETY: every address in a lab must lie in 198.18.0.0/15 (RFC 2544 benchmarking space).
// validateTopology() enforces it and startLab() always validates, so no lab can be pointed at a real network.
//
// Adding a simulated service later (sadp, dhip, http, rtsp, adversarial modes) means: one optional field
// in DeviceServices below, and one module registered in services/index.ts (the registry there is typed
// over DeviceServices, so a field without a module does not compile).

import { isMulticastMac, normalizeMac } from '../core/mac.js';
import { bannerDevices, withBanners } from './banner-devices.js';
import { type LabCrowd, validateCrowds } from './crowd.js';

/** Payload family: which real captures a service's replies are modelled on (see payloads/). */
export type VendorFlavour = 'hikvision' | 'dahua' | 'axis' | 'generic';

export interface LabSegment {
  /** Short id, [a-z0-9]{1,4}: also names the bridge's ports. */
  readonly id: string;
  /** IPv4 CIDR inside 198.18.0.0/15. */
  readonly cidr: string;
}

export interface LabRoute {
  /** 'default' or an IPv4 CIDR inside 198.18.0.0/15. */
  readonly to: string;
  /** Next hop: an address on the host's own segment. */
  readonly via: string;
}

/** A single-homed host: the scanner or a device. Its interface is eth0 in its own namespace. */
export interface LabHost {
  /** [a-z][a-z0-9-]{0,23}; names the namespace (`<prefix>-<name>`). */
  readonly name: string;
  readonly segment: string;
  readonly ip: string;
  /** Canonical lower-case colon form; a unicast MAC (the kernel refuses multicast ones). */
  readonly mac: string;
  /** Extra routes. Every host also gets `224.0.0.0/4 dev eth0` (multicast needs a route; no default route exists). */
  readonly routes?: readonly LabRoute[];
}

export interface LabRouterInterface {
  readonly segment: string;
  readonly ip: string;
  readonly mac: string;
}

/** A namespace with one interface per segment (eth0, eth1, …) and ip_forward=1. Runs no process. */
export interface LabRouter {
  readonly name: string;
  readonly interfaces: readonly LabRouterInterface[];
}

// ---------------------------------------------------------------------------------------------
// Services

/** ONVIF WS-Discovery responder on UDP 3702 (multicast 239.255.255.250 and unicast). */
export interface WsDiscoveryService {
  readonly flavour: VendorFlavour;
  /** EndpointReference address, e.g. `urn:uuid:…` (Hikvision) or `uuid:…` (Dahua). */
  readonly endpoint: string;
  /** QNames as sent, e.g. `dn:NetworkVideoTransmitter tds:Device`. */
  readonly types: string;
  readonly scopes: readonly string[];
  /** Defaults to the device's own ONVIF device-service URL (or none when the device has no ONVIF service). */
  readonly xaddrs?: readonly string[];
  readonly metadataVersion: number;
  /**
   * Answer a multicast probe this long after it came (default at once). A real device waits a random time up to
   * WS-Discovery's APP_MAX_DELAY (500 ms); the lab can take the worst case, which a scan's listen must cover.
   */
  readonly replyDelayMs?: number;
}

export interface OnvifDeviceInformation {
  readonly manufacturer: string;
  readonly model: string;
  readonly firmwareVersion: string;
  readonly serialNumber: string;
  readonly hardwareId: string;
}

export interface OnvifAuth {
  readonly username: string;
  readonly password: string;
  /** Operations that need a valid WS-UsernameToken (PasswordDigest). The others stay anonymous. */
  readonly protect: readonly OnvifOperation[];
  /** HTTP status of the NotAuthorized fault. 400 (SOAP 1.2 env:Sender over HTTP) is what Dahua does. */
  readonly faultStatus: 400 | 401;
}

export type OnvifOperation = 'GetSystemDateAndTime' | 'GetDeviceInformation' | 'GetNetworkInterfaces';
export const ONVIF_OPERATIONS: readonly OnvifOperation[] = ['GetSystemDateAndTime', 'GetDeviceInformation', 'GetNetworkInterfaces'];

/** ONVIF device service (SOAP 1.2 over HTTP). */
export interface OnvifService {
  readonly flavour: VendorFlavour;
  /** TCP port on the device's address; default 80. */
  readonly port?: number;
  /** Default `/onvif/device_service`. */
  readonly path?: string;
  readonly deviceInformation: OnvifDeviceInformation;
  /** POSIX-style TZ reported by GetSystemDateAndTime, e.g. `CST-8:00:00`. */
  readonly timeZone?: string;
  readonly auth?: OnvifAuth;
}

/** Where a vendor discovery responder sends its reply: to the discovery group, or back to the prober. */
export type DiscoveryReplyTo = 'group' | 'sender';

/** Hikvision SADP responder on UDP 37020 (multicast 239.255.255.250 and unicast); MAC and IP are the profile's. */
export interface SadpService {
  /** SADP's numeric DeviceType code (141945 in the real DS-2CD2385G1-I capture). */
  readonly deviceType: number;
  /** DeviceDescription: the model. */
  readonly model: string;
  readonly serial: string;
  /** SoftwareVersion, e.g. `V5.6.2build 190701`. */
  readonly firmware: string;
  readonly dspVersion: string;
  readonly activated: boolean;
  /** DetailOEMCode (1 in the genuine Hikvision capture). */
  readonly oemCode: number;
  readonly replyTo: DiscoveryReplyTo;
}

/** Dahua DHIP discovery responder on UDP 37810 (multicast 239.255.255.251 and unicast); MAC and IP are the profile's. */
export interface DhipService {
  /** IPC, NVR, XVR, MHDX, BSC… */
  readonly deviceClass: string;
  /** DeviceType: the model. */
  readonly model: string;
  readonly serial: string;
  /** Vendor and Manufacturer: the label the firmware was built for (`Private`, `Intelbras`…). */
  readonly vendor: string;
  readonly version: string;
  readonly replyTo: DiscoveryReplyTo;
}

/** Vendor families of the simulated camera web servers (payloads/web.ts). */
export type WebFlavour = 'hikvision' | 'dahua' | 'hanwha' | 'bosch';

/** A camera's web UI as it answers before login (payloads/web.ts). */
export interface HttpService {
  readonly flavour: WebFlavour;
  /** Plain HTTP port; default 80 (shared with the ONVIF service when both use it). */
  readonly port?: number;
  /** Also serve HTTPS on this port with the flavour's certificate (payloads/tls.ts; hikvision only). */
  readonly tlsPort?: number;
  /** Server header; default the flavour's own, null for none. */
  readonly server?: string | null;
  /** Realm of refused requests (hikvision ISAPI, hanwha); required by those flavours. */
  readonly realm?: string;
  /** The serial the firmware names in its realm (dahua: "Login to <serial>"); required by dahua. */
  readonly serial?: string;
}

/** Vendor families of the simulated RTSP servers (payloads/rtsp.ts). */
export type RtspFlavour = 'hikvision' | 'dahua' | 'generic';

/** An RTSP server that refuses to stream without credentials, answering as its firmware does (payloads/rtsp.ts). */
export interface RtspService {
  readonly flavour: RtspFlavour;
  /** Default 554. */
  readonly port?: number;
  /** Realm of its 401 challenges (Digest; Basic for generic). */
  readonly realm: string;
}

/** One optional field per simulated service. */
/**
 * An adversarial device for the hostile lab (hostile.ts), never in defaultLab. `http` answers every request on
 * TCP 80; `wsDiscovery` answers WS-Discovery probes on UDP 3702 (instead of a wsDiscovery service).
 */
export interface HostileService {
  readonly http?: 'tarpit' | 'drip' | 'huge' | 'xxe' | 'billion-laughs' | 'canary';
  readonly wsDiscovery?: 'xxe' | 'billion-laughs' | 'garbage';
  /** Where an XXE payload's external entity points: a canary host whose request log must stay empty. */
  readonly canaryUrl?: string;
}

export interface DeviceServices {
  readonly wsDiscovery?: WsDiscoveryService;
  readonly onvif?: OnvifService;
  readonly sadp?: SadpService;
  readonly dhip?: DhipService;
  readonly hostile?: HostileService;
  readonly http?: HttpService;
  readonly rtsp?: RtspService;
}

export interface DeviceProfile extends LabHost {
  readonly services: DeviceServices;
  /** Free text: what the device stands for in tests. */
  readonly note?: string;
}

export interface LabTopology {
  readonly name: string;
  readonly segments: readonly LabSegment[];
  readonly scanner: LabHost;
  readonly routers: readonly LabRouter[];
  readonly devices: readonly DeviceProfile[];
  /** Keep the kernel's IPv6 (link-local addresses, DAD, MLD) in the hosts; default false (a quiet, IPv4-only lab). */
  readonly ipv6?: boolean;
  /** Many quiet hosts in one namespace each (crowd.ts); default none. */
  readonly crowds?: readonly LabCrowd[];
}

// ---------------------------------------------------------------------------------------------
// Helpers

export const ONVIF_DEFAULT_PORT = 80;
export const ONVIF_DEFAULT_PATH = '/onvif/device_service';

/** The URL a device's WS-Discovery reply advertises for its ONVIF device service. */
export function onvifUrl(profile: Pick<DeviceProfile, 'ip' | 'services'>): string | null {
  const o = profile.services.onvif;
  if (!o) return null;
  const port = o.port ?? ONVIF_DEFAULT_PORT;
  return `http://${profile.ip}${port === 80 ? '' : `:${port}`}${o.path ?? ONVIF_DEFAULT_PATH}`;
}

export function xaddrsOf(profile: DeviceProfile): readonly string[] {
  const w = profile.services.wsDiscovery;
  if (w?.xaddrs) return w.xaddrs;
  const url = onvifUrl(profile);
  return url ? [url] : [];
}

export class LabConfigError extends Error {
  override readonly name = 'LabConfigError';
}

function ipToInt(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

export interface Cidr {
  readonly base: number;
  readonly len: number;
}

export function parseCidr(cidr: string): Cidr | null {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  if (!m) return null;
  const base = ipToInt(m[1]!);
  const len = Number(m[2]);
  if (base === null || len > 32) return null;
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  if ((base & mask) >>> 0 !== base) return null; // host bits set
  return { base, len };
}

export function inCidr(ip: string, cidr: Cidr): boolean {
  const n = ipToInt(ip);
  if (n === null) return false;
  const mask = cidr.len === 0 ? 0 : (0xffffffff << (32 - cidr.len)) >>> 0;
  return (n & mask) >>> 0 === cidr.base;
}

/** The only address space a lab may use. */
export const LAB_SPACE: Cidr = { base: ipToInt('198.18.0.0')!, len: 15 };

function cidrInside(inner: Cidr, outer: Cidr): boolean {
  return inner.len >= outer.len && inCidr(intToIp(inner.base), outer);
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

const NAME = /^[a-z][a-z0-9-]{0,23}$/;
const SEGMENT_ID = /^[a-z0-9]{1,4}$/;

/** Throws LabConfigError naming the first problem. Enforces the 198.18.0.0/15-only rule. */
export function validateTopology(t: LabTopology): void {
  const fail = (msg: string): never => {
    throw new LabConfigError(`lab topology ${JSON.stringify(t.name)}: ${msg}`);
  };
  const segments = new Map<string, Cidr>();
  for (const s of t.segments) {
    if (!SEGMENT_ID.test(s.id)) fail(`segment id ${JSON.stringify(s.id)} must match ${SEGMENT_ID}`);
    if (segments.has(s.id)) fail(`duplicate segment ${s.id}`);
    const c = parseCidr(s.cidr);
    if (!c || c.len < 16 || c.len > 30) fail(`segment ${s.id}: ${JSON.stringify(s.cidr)} is not an IPv4 network of /16../30`);
    if (!cidrInside(c!, LAB_SPACE)) fail(`segment ${s.id}: ${s.cidr} is outside 198.18.0.0/15`);
    for (const [id, other] of segments)
      if (cidrInside(c!, other) || cidrInside(other, c!)) fail(`segments ${id} and ${s.id} overlap`);
    segments.set(s.id, c!);
  }
  const names = new Set<string>();
  const ips = new Set<string>();
  const macs = new Set<string>();
  const checkIface = (who: string, segment: string, ip: string, mac: string): void => {
    const seg = segments.get(segment);
    if (!seg) return fail(`${who}: unknown segment ${JSON.stringify(segment)}`);
    if (ipToInt(ip) === null) fail(`${who}: bad IPv4 address ${JSON.stringify(ip)}`);
    if (!inCidr(ip, LAB_SPACE)) fail(`${who}: ${ip} is outside 198.18.0.0/15`);
    if (!inCidr(ip, seg)) fail(`${who}: ${ip} is not in segment ${segment} (${intToIp(seg.base)}/${seg.len})`);
    const n = ipToInt(ip)!;
    const hostBits = n - seg.base;
    if (hostBits === 0 || hostBits === 2 ** (32 - seg.len) - 1) fail(`${who}: ${ip} is the network or broadcast address`);
    if (ips.has(ip)) fail(`${who}: duplicate address ${ip}`);
    ips.add(ip);
    const m = normalizeMac(mac);
    if (!m || m !== mac) fail(`${who}: MAC ${JSON.stringify(mac)} must be canonical lower-case colon form`);
    if (isMulticastMac(mac)) fail(`${who}: MAC ${mac} is a multicast address`);
    if (macs.has(mac)) fail(`${who}: duplicate MAC ${mac}`);
    macs.add(mac);
  };
  const checkName = (name: string): void => {
    if (!NAME.test(name) || name === 'br') fail(`host name ${JSON.stringify(name)} must match ${NAME} and not be "br"`);
    if (names.has(name)) fail(`duplicate host name ${name}`);
    names.add(name);
  };
  const checkHost = (h: LabHost): void => {
    checkName(h.name);
    checkIface(h.name, h.segment, h.ip, h.mac);
    const seg = segments.get(h.segment)!;
    for (const r of h.routes ?? []) {
      if (r.to !== 'default') {
        const c = parseCidr(r.to);
        if (!c || !cidrInside(c, LAB_SPACE)) fail(`${h.name}: route ${JSON.stringify(r.to)} must be 'default' or a CIDR inside 198.18.0.0/15`);
      }
      if (!inCidr(r.via, seg)) fail(`${h.name}: route via ${r.via} is not on segment ${h.segment}`);
    }
  };
  checkHost(t.scanner);
  for (const r of t.routers) {
    checkName(r.name);
    if (r.interfaces.length < 1 || r.interfaces.length > 8) fail(`router ${r.name}: needs 1..8 interfaces`);
    const segs = new Set<string>();
    r.interfaces.forEach((i, k) => {
      checkIface(`${r.name}/eth${k}`, i.segment, i.ip, i.mac);
      if (segs.has(i.segment)) fail(`router ${r.name}: two interfaces on segment ${i.segment}`);
      segs.add(i.segment);
    });
  }
  for (const d of t.devices) {
    checkHost(d);
    const o = d.services.onvif;
    if (o) {
      const port = o.port ?? ONVIF_DEFAULT_PORT;
      if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`${d.name}: bad ONVIF port ${port}`);
      if (o.path !== undefined && !o.path.startsWith('/')) fail(`${d.name}: ONVIF path must start with /`);
    }
    const w = d.services.wsDiscovery;
    if (w) {
      if (!w.endpoint) fail(`${d.name}: WS-Discovery endpoint is empty`);
      for (const s of w.scopes) if (/\s/.test(s)) fail(`${d.name}: scope ${JSON.stringify(s)} contains whitespace`);
    }
  }
  validateCrowds(t);
}

// ---------------------------------------------------------------------------------------------
// The default lab (issue "camaudit 0.1")

/** Credentials of the protected ONVIF operations (onvif-auth's GetDeviceInformation, routed-hik's GetNetworkInterfaces). */
export const LAB_ONVIF_CREDENTIALS = { username: 'admin', password: 'lab-Passw0rd' } as const;

const SEG_A = 'a';
const SEG_B = 'b';

const hik = (model: string, mac: string, extra: readonly string[]): string[] => [
  'onvif://www.onvif.org/type/video_encoder',
  'onvif://www.onvif.org/Profile/Streaming',
  'onvif://www.onvif.org/Profile/G',
  ...extra,
  `onvif://www.onvif.org/MAC/${mac}`,
  `onvif://www.onvif.org/hardware/${model}`,
  `onvif://www.onvif.org/name/HIKVISION%20${model}`,
  'onvif://www.onvif.org/location/city/hangzhou',
];

/** Hikvision endpoint UUIDs end with the device MAC (two real captures, peers-and-protocols.md §3.1). */
const hikEndpoint = (head: string, mac: string): string => `urn:uuid:${head}-${mac.replace(/:/g, '')}`;

/** What every ONVIF camera here advertises. */
const NVT_TYPES = 'dn:NetworkVideoTransmitter tds:Device';

/** What the real captures of one vendor share (discovery MetadataVersion, ONVIF HardwareId, the factory time zone). */
interface VendorDefaults {
  readonly flavour: VendorFlavour;
  readonly manufacturer: string;
  readonly hardwareId: string;
  readonly metadataVersion: number;
  readonly timeZone: string;
}

const HIKVISION: VendorDefaults = { flavour: 'hikvision', manufacturer: 'HIKVISION', hardwareId: '88', metadataVersion: 10, timeZone: 'CST-8:00:00' };
const DAHUA: VendorDefaults = { flavour: 'dahua', manufacturer: 'Dahua', hardwareId: '1.00', metadataVersion: 1, timeZone: 'CST-8:00:00' };

interface Camera {
  readonly endpoint: string;
  readonly scopes: readonly string[];
  readonly model: string;
  readonly firmwareVersion: string;
  readonly serialNumber: string;
  readonly auth?: OnvifAuth;
}

/** WS-Discovery plus ONVIF device service of a camera whose discovery and device replies follow one vendor. */
function cameraServices(v: VendorDefaults, c: Camera): DeviceServices {
  return {
    wsDiscovery: { flavour: v.flavour, endpoint: c.endpoint, types: NVT_TYPES, scopes: c.scopes, metadataVersion: v.metadataVersion },
    onvif: {
      flavour: v.flavour,
      timeZone: v.timeZone,
      deviceInformation: { manufacturer: v.manufacturer, model: c.model, firmwareVersion: c.firmwareVersion, serialNumber: c.serialNumber, hardwareId: v.hardwareId },
      ...(c.auth ? { auth: c.auth } : {}),
    },
  };
}

/**
 * The lab of "camaudit 0.1": segment A 198.18.0.0/24 with the scanner and ten devices, a router to segment B
 * 198.19.1.0/24 with one routed Hikvision camera. Payload sources are cited in payloads/.
 */
export function defaultLab(): LabTopology {
  const scanner: LabHost = {
    name: 'scanner',
    segment: SEG_A,
    ip: '198.18.0.1',
    mac: '02:ca:00:00:00:01',
    routes: [{ to: '198.19.1.0/24', via: '198.18.0.254' }],
  };
  const devices: DeviceProfile[] = [
    {
      name: 'hik-onvif',
      segment: SEG_A,
      ip: '198.18.0.11',
      mac: '28:57:be:aa:bb:01',
      note: 'Hikvision OUI; WS-Discovery and ONVIF modelled on the real DS-2CD2385G1-I ProbeMatch',
      services: cameraServices(HIKVISION, {
        endpoint: hikEndpoint('aa85c000-6324-11b3-819e', '28:57:be:aa:bb:01'),
        model: 'DS-2CD2385G1-I',
        scopes: hik('DS-2CD2385G1-I', '28:57:be:aa:bb:01', ['onvif://www.onvif.org/Profile/T']),
        firmwareVersion: 'V5.6.2 build 190701',
        serialNumber: 'DS-2CD2385G1-I20200414AAWRE33842150',
      }),
    },
    {
      name: 'dahua-onvif',
      segment: SEG_A,
      ip: '198.18.0.12',
      mac: '08:ed:ed:aa:bb:02',
      note: 'Dahua OUI; scopes from the real IPC-HFW2228M-I1-V2 Hello, device information from the real DH-2H3400-ADP reply',
      services: cameraServices(DAHUA, {
        endpoint: 'uuid:503b687a-b9d7-474f-a2d0-08ededaabb02',
        scopes: [
          'onvif://www.onvif.org/location/country/china',
          'onvif://www.onvif.org/name/Dahua',
          'onvif://www.onvif.org/hardware/IPC-HFW2228M-I1-V2',
          'onvif://www.onvif.org/Profile/Streaming',
          'onvif://www.onvif.org/type/Network_Video_Transmitter',
          'onvif://www.onvif.org/extension/unique_identifier',
        ],
        model: 'DH-2H3400-ADP',
        firmwareVersion: '2.811.0000013.0.R, Build Date 2023-12-20',
        serialNumber: 'BA07995PHA29A85',
      }),
    },
    {
      name: 'axis-onvif',
      segment: SEG_A,
      ip: '198.18.0.13',
      // An Axis serial number is the unit's MAC address (onvif-serial-axis reads it so), so the lab's MAC is the
      // real M5525-E's: a scan that misses the ARP reply then still names the same device.
      mac: 'ac:cc:8e:be:cc:ea',
      note: 'Axis OUI; not restricted. Device information from the real M5525-E reply',
      services: {
        wsDiscovery: {
          flavour: 'axis',
          endpoint: 'urn:uuid:5ef8f1c0-7a1d-11e9-8000-accc8ebeccea',
          types: NVT_TYPES,
          scopes: [
            'onvif://www.onvif.org/type/video_encoder',
            'onvif://www.onvif.org/type/ptz',
            'onvif://www.onvif.org/Profile/Streaming',
            'onvif://www.onvif.org/Profile/G',
            'onvif://www.onvif.org/hardware/M5525-E',
            'onvif://www.onvif.org/name/AXIS%20M5525-E',
            'onvif://www.onvif.org/location/',
          ],
          metadataVersion: 1,
        },
        onvif: {
          flavour: 'axis',
          timeZone: 'GMT0',
          deviceInformation: {
            manufacturer: 'AXIS',
            model: 'M5525-E',
            firmwareVersion: '8.40.1.1',
            serialNumber: 'ACCC8EBECCEA',
            hardwareId: '757',
          },
        },
      },
    },
    { name: 'huawei-silent', segment: SEG_A, ip: '198.18.0.14', mac: '00:e0:fc:aa:bb:04', services: {}, note: 'Huawei OUI, no services' },
    { name: 'zte-silent', segment: SEG_A, ip: '198.18.0.15', mac: '00:15:eb:aa:bb:05', services: {}, note: 'ZTE OUI, no services' },
    { name: 'hytera-silent', segment: SEG_A, ip: '198.18.0.16', mac: '9c:06:6e:aa:bb:06', services: {}, note: 'Hytera OUI, no services' },
    {
      name: 'dahua-laa',
      segment: SEG_A,
      ip: '198.18.0.17',
      mac: '8e:3f:5a:19:c4:77',
      note: 'locally administered MAC, vendor-neutral discovery scopes: only ONVIF GetDeviceInformation names Dahua; answers WS-Discovery at APP_MAX_DELAY',
      services: {
        wsDiscovery: {
          replyDelayMs: 500,
          flavour: 'generic',
          endpoint: 'uuid:c9790c3a-701b-464d-a189-8e3f5a19c477',
          types: NVT_TYPES,
          scopes: [
            'onvif://www.onvif.org/Profile/Streaming',
            'onvif://www.onvif.org/type/video_encoder',
            'onvif://www.onvif.org/hardware/IPC',
            'onvif://www.onvif.org/name/IPC',
            'onvif://www.onvif.org/location/',
          ],
          metadataVersion: 1,
        },
        onvif: {
          flavour: 'dahua',
          deviceInformation: {
            manufacturer: 'Dahua',
            model: 'IPC-HDW1025C',
            firmwareVersion: '2.420.Dahua 00.14.R, build: 2016-06-18',
            serialNumber: '2J01018PAA00813',
            hardwareId: '1.00',
          },
        },
      },
    },
    { name: 'uniview-silent', segment: SEG_A, ip: '198.18.0.18', mac: '48:ea:63:aa:bb:08', services: {}, note: 'Uniview OUI, no services' },
    {
      name: 'onvif-auth',
      segment: SEG_A,
      ip: '198.18.0.19',
      mac: '02:5e:11:aa:bb:09',
      note: 'locally administered MAC; GetDeviceInformation needs a WS-UsernameToken (Dahua NotAuthorized fault); scopes name Dahua',
      services: cameraServices(DAHUA, {
        endpoint: 'uuid:6d0c1b9e-3f7a-4c51-9e2a-025e11aabb09',
        scopes: [
          'onvif://www.onvif.org/location/country/china',
          'onvif://www.onvif.org/name/Dahua',
          'onvif://www.onvif.org/hardware/DH-IPC-HDW1230T2',
          'onvif://www.onvif.org/Profile/Streaming',
          'onvif://www.onvif.org/type/Network_Video_Transmitter',
          'onvif://www.onvif.org/extension/unique_identifier/1',
          'onvif://www.onvif.org/Profile/T',
        ],
        model: 'DH-IPC-HDW1230T2',
        firmwareVersion: '2.800.0000000.8.R, Build Date 2022-03-10',
        serialNumber: '6J0A1B2PAZ3C4D5',
        auth: { ...LAB_ONVIF_CREDENTIALS, protect: ['GetDeviceInformation', 'GetNetworkInterfaces'], faultStatus: 400 },
      }),
    },
    { name: 'silent-laa', segment: SEG_A, ip: '198.18.0.20', mac: 'b6:0c:3f:7e:21:d4', services: {}, note: 'randomised (locally administered) MAC, no services' },
    // Vendor discovery protocols (issue "Find what ONVIF and OUI miss"): replies modelled on the real SADP and
    // DHIP captures (payloads/sadp.ts, payloads/dhip.ts).
    {
      name: 'hik-sadp',
      segment: SEG_A,
      ip: '198.18.0.21',
      mac: '02:5a:d0:aa:bb:21',
      note: 'Hikvision with ONVIF off (the firmware default since 5.5.0) and a locally administered MAC: only SADP identifies it; answers to the SADP group',
      services: {
        sadp: {
          deviceType: 141945,
          model: 'DS-2CD2385G1-I',
          serial: 'DS-2CD2385G1-I20200414AAWRE33842151',
          firmware: 'V5.6.2build 190701',
          dspVersion: 'V7.3 build 190626',
          activated: true,
          oemCode: 1,
          replyTo: 'group',
        },
      },
    },
    {
      name: 'dahua-dhip',
      segment: SEG_A,
      ip: '198.18.0.22',
      mac: '06:ed:ed:aa:bb:22',
      note: 'Dahua with ONVIF off, Vendor "Private" and a locally administered MAC: only DHIP identifies it; answers only to the DHIP group',
      services: {
        dhip: { deviceClass: 'IPC', model: 'IPC-HDW1431T1-S4', serial: '6C01E93PAG69A7E', vendor: 'Private', version: '2.800.0000000.13.R', replyTo: 'group' },
      },
    },
    {
      name: 'intelbras-dhip',
      segment: SEG_A,
      ip: '198.18.0.23',
      mac: '58:10:8c:aa:bb:23',
      note: 'Intelbras-labelled Dahua DVR under an Intelbras OUI (the real MHDX 1016 reply): DHIP says who built it',
      services: {
        dhip: { deviceClass: 'MHDX', model: 'MHDX 1016', serial: 'O9RF220012636', vendor: 'Intelbras', version: '3.210.IB01.3', replyTo: 'sender' },
      },
    },
    {
      name: 'routed-hik',
      segment: SEG_B,
      ip: '198.19.1.10',
      mac: '28:57:be:aa:bb:10',
      routes: [{ to: 'default', via: '198.19.1.1' }],
      note:
        'behind the router: no ARP entry and no multicast reach from the scanner, and GetNetworkInterfaces needs auth, so an anonymous ' +
        'scan cannot learn its MAC; modelled on the real DS-2CD3955FWD-IWS ProbeMatch',
      services: cameraServices(HIKVISION, {
        endpoint: hikEndpoint('18ec6401-3aa0-11b5-83f6', '28:57:be:aa:bb:10'),
        model: 'DS-2CD3955FWD-IWS',
        scopes: [
          'onvif://www.onvif.org/type/video_encoder',
          'onvif://www.onvif.org/Profile/Streaming',
          'onvif://www.onvif.org/Profile/G',
          'onvif://www.onvif.org/type/audio_encoder',
          'onvif://www.onvif.org/type/ptz',
          'onvif://www.onvif.org/hardware/DS-2CD3955FWD-IWS',
          'onvif://www.onvif.org/name/HIKVISION%20DS-2CD3955FWD-IWS',
          'onvif://www.onvif.org/location/city/hangzhou',
        ],
        firmwareVersion: 'V5.5.0 build 170725',
        serialNumber: 'DS-2CD3955FWD-IWS20170830AAWR812345678',
        // No real Hikvision NotAuthorized capture exists (research has only Dahua's): the fault is the generic
        // SOAP 1.2 one in Hikvision's envelope. GetDeviceInformation stays anonymous.
        auth: { ...LAB_ONVIF_CREDENTIALS, protect: ['GetNetworkInterfaces'], faultStatus: 400 },
      }),
    },
    {
      name: 'dahua-routed',
      segment: SEG_B,
      ip: '198.19.1.21',
      mac: '08:ed:ed:aa:bb:29',
      routes: [{ to: 'default', via: '198.19.1.1' }],
      note: 'Dahua behind the router with only DHIP: unicast DHIP reaches it, and the MAC it states is the only one camaudit can name it by',
      services: {
        dhip: { deviceClass: 'IPC', model: 'IPC-HDW1431T1-S4', serial: '6C01E93PAG69A7F', vendor: 'Private', version: '2.800.0000000.13.R', replyTo: 'sender' },
      },
    },
  ];
  return {
    name: 'camaudit-0.1',
    segments: [
      { id: SEG_A, cidr: '198.18.0.0/24' },
      { id: SEG_B, cidr: '198.19.1.0/24' },
    ],
    scanner,
    routers: [
      {
        name: 'router',
        interfaces: [
          { segment: SEG_A, ip: '198.18.0.254', mac: '02:ca:00:00:00:fe' },
          { segment: SEG_B, ip: '198.19.1.1', mac: '02:ca:00:00:01:01' },
        ],
      },
    ],
    devices: [...devices.map(withBanners), ...bannerDevices(SEG_A, SEG_B, '198.19.1.1')],
  };
}
