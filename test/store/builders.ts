// In-memory builders for store and export tests. The scenario is one /23 of a lab network: a flagged
// Hikvision camera (OUI + ONVIF evidence, FCC and §889 rows), an Axis camera that is not flagged, and a
// host behind a router (no MAC).
import type { Attribution, JudgedDevice, ListRef, Observation, Restriction, ScanResult, SourceId } from '../../src/core/types.js';
import type { EntityNames } from '../../src/store/store.js';

const AT = '2026-11-26T09:00:05.000Z';

export function anObservation(o: Partial<Observation> & Pick<Observation, 'source' | 'key' | 'value'>): Observation {
  return { at: AT, ip: '198.18.0.1', detail: `${o.key}=${o.value}`, ...o };
}

type DeviceOverrides = Partial<Omit<JudgedDevice, 'attribution'>> & { attribution?: Partial<Attribution> };

/** A device nothing was learnt about; override what the test needs. */
export function aJudgedDevice(o: DeviceOverrides = {}): JudgedDevice {
  const { attribution, ...rest } = o;
  return {
    ip: '198.18.0.1',
    mac: null,
    macSource: null,
    ouiVendor: null,
    observations: [],
    matches: [],
    restriction: null,
    ...rest,
    attribution: {
      manufacturer: null,
      brand: null,
      model: null,
      firmware: null,
      serial: null,
      deviceType: 'unknown',
      confidence: null,
      relabel: null,
      evidence: [],
      conflicts: [],
      ...attribution,
    },
  };
}

// Hikvision, Dahua and Hytera are listed only for the purposes §889(f)(3)(B) names; the limit travels with every finding.
const PURPOSE_LIMIT =
  'For the purpose of public safety, security of government facilities, physical security surveillance of critical infrastructure, and other national security purposes';

export const FCC_ROW_4: ListRef = {
  id: 'us-fcc-covered-list',
  row: 'row 4',
  citation: '47 CFR 1.50002; Secure Networks Act, 47 U.S.C. 1601',
  scopeLimit: PURPOSE_LIMIT,
};

export const NDAA_889: ListRef = {
  id: 'us-ndaa-fy2019-sec889',
  row: '889(f)(3)(B)',
  citation: 'Pub. L. 115-232, sec. 889; FAR 52.204-25',
  scopeLimit: null,
};

export function aRestriction(o: Partial<Restriction> = {}): Restriction {
  return {
    entity: 'hikvision',
    lists: [FCC_ROW_4, NDAA_889],
    basis: 'manufacturer',
    confidence: 'high',
    evidence: [{ source: 'onvif', detail: 'GetDeviceInformation Manufacturer "HIKVISION"' }],
    ...o,
  };
}

function seen(ip: string, source: SourceId, key: `${string}.${string}`, value: string, detail: string): Observation {
  return anObservation({ ip, source, key, value, detail });
}

export function hikvisionCamera(o: DeviceOverrides = {}): JudgedDevice {
  const ip = o.ip ?? '198.18.0.10';
  return aJudgedDevice({
    ip,
    mac: '28:57:be:aa:bb:01',
    macSource: 'neighbours',
    ouiVendor: 'Hangzhou Hikvision Digital Technology Co.,Ltd.',
    observations: [
      seen(ip, 'neighbours', 'neighbours.mac', '28:57:be:aa:bb:01', `ARP reply from ${ip}: 28:57:be:aa:bb:01`),
      seen(ip, 'ws-discovery', 'ws-discovery.scopes', 'onvif://www.onvif.org/name/HIKVISION onvif://www.onvif.org/hardware/DS-2CD2143G2-I', 'ProbeMatch scopes name/HIKVISION hardware/DS-2CD2143G2-I'),
      seen(ip, 'onvif', 'onvif.manufacturer', 'HIKVISION', 'GetDeviceInformation Manufacturer "HIKVISION"'),
      seen(ip, 'onvif', 'onvif.model', 'DS-2CD2143G2-I', 'GetDeviceInformation Model "DS-2CD2143G2-I"'),
    ],
    restriction: aRestriction(),
    ...o,
    attribution: {
      manufacturer: 'hikvision',
      brand: 'hikvision',
      model: 'DS-2CD2143G2-I',
      firmware: 'V5.7.3 build 220112',
      serial: 'DS-2CD2143G2-I20220301AAWRJ12345678',
      deviceType: 'camera',
      confidence: 'high',
      evidence: [
        { source: 'oui', detail: 'OUI 28:57:BE is registered to "Hangzhou Hikvision Digital Technology Co.,Ltd."' },
        { source: 'onvif', detail: 'GetDeviceInformation Manufacturer "HIKVISION", Model "DS-2CD2143G2-I"' },
      ],
      conflicts: ['hw.model: onvif says "DS-2CD2143G2-I", http says "DS-2CD2143G2-IS"'],
      ...o.attribution,
    },
  });
}

export function axisCamera(o: DeviceOverrides = {}): JudgedDevice {
  const ip = o.ip ?? '198.18.0.9';
  return aJudgedDevice({
    ip,
    mac: 'ac:cc:8e:12:34:56',
    macSource: 'neighbours',
    ouiVendor: 'Axis Communications AB',
    observations: [
      seen(ip, 'neighbours', 'neighbours.mac', 'ac:cc:8e:12:34:56', `ARP reply from ${ip}: ac:cc:8e:12:34:56`),
      seen(ip, 'onvif', 'onvif.manufacturer', 'AXIS', 'GetDeviceInformation Manufacturer "AXIS"'),
    ],
    ...o,
    attribution: {
      manufacturer: 'axis',
      brand: 'axis',
      model: 'M3106-L Mk II',
      firmware: '10.12.182',
      serial: 'ACCC8E123456',
      deviceType: 'camera',
      confidence: 'high',
      evidence: [
        { source: 'oui', detail: 'OUI AC:CC:8E is registered to "Axis Communications AB"' },
        { source: 'onvif', detail: 'GetDeviceInformation Manufacturer "AXIS", Model "M3106-L Mk II"' },
      ],
      ...o.attribution,
    },
  });
}

/** Behind a router: layer 2 is not visible, so no MAC and no OUI. */
export function routedHost(o: DeviceOverrides = {}): JudgedDevice {
  const ip = o.ip ?? '198.19.4.20';
  return aJudgedDevice({
    ip,
    observations: [seen(ip, 'http', 'http.server', 'lighttpd/1.4.59', 'HTTP Server header "lighttpd/1.4.59"')],
    ...o,
  });
}

export function aScanResult(o: Partial<ScanResult> = {}): ScanResult {
  return {
    scan: {
      startedAt: '2026-11-26T09:00:00.000Z',
      finishedAt: '2026-11-26T09:00:42.000Z',
      targets: ['198.18.0.0/23', '198.19.4.20'],
      status: 'complete',
      policy: ['us-fcc-covered-list', 'us-ndaa-fy2019-sec889'],
      site: 'hq', // not the host name (the default), which differs between machines
      sensor: 'hq-sensor-1',
    },
    runs: [
      { source: 'neighbours', status: 'ok', ms: 1200, observations: 2 },
      { source: 'ws-discovery', status: 'ok', ms: 3000, observations: 1, dropped: 1 },
      { source: 'onvif', status: 'ok', ms: 850, observations: 3, counts: { ok: 2, refused: 1 } },
      { source: 'nmap', status: 'tool-missing', ms: 3, observations: 0, error: 'nmap not found in PATH' },
    ],
    // Deliberately not in export order: the store sorts.
    devices: [routedHost(), axisCamera(), hikvisionCamera()],
    ...o,
  };
}

const NAMES: Readonly<Record<string, string>> = {
  hikvision: 'Hangzhou Hikvision Digital Technology Co., Ltd.',
  axis: 'Axis Communications AB',
};

export const entityNames: EntityNames = (id) => NAMES[id] ?? null;
