// Synthetic scans for the store and export benchmarks: `n` judged devices of a realistic mix. Most hosts are quiet
// (a sweep saw them: two observations and a MAC registry owner); one in ten is a camera with WS-Discovery and
// ONVIF observations and an attribution, and half of those are flagged with two list rows.

const FCC = {
  id: 'us-fcc-covered-list',
  row: 'row 4',
  citation: '47 CFR 1.50002; Secure Networks Act, 47 U.S.C. 1601',
  scopeLimit: 'Purpose-limited: covered only when used for public safety, security of government facilities, physical security surveillance of critical infrastructure, or other national security purposes.',
};
const NDAA = { id: 'us-ndaa-fy2019-sec889', row: '889(f)(3)(B)', citation: 'Pub. L. 115-232, sec. 889; FAR 52.204-25', scopeLimit: null };

const hex2 = (n) => (n & 255).toString(16).padStart(2, '0');
const ipOf = (i) => {
  const n = 0xc6120000 + 2 + i; // 198.18.0.2 upwards: 131,070 addresses in 198.18.0.0/15
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
};

function observation(at, ip, source, key, value, detail) {
  return { source, at, ip, key, value, detail };
}

function quiet(i, at) {
  const ip = ipOf(i);
  const mac = `f8:bc:12:${hex2(i >> 16)}:${hex2(i >> 8)}:${hex2(i)}`;
  return {
    ip,
    mac,
    macSource: 'nmap',
    ouiVendor: 'Dell Inc.',
    observations: [
      observation(at, ip, 'nmap', 'host.up', 'arp-response', 'nmap: host up (arp-response)'),
      observation(at, ip, 'nmap', 'arp.mac', mac, `nmap: ARP reply from ${mac}`),
    ],
    matches: [],
    attribution: {
      manufacturer: null, brand: null, model: null, firmware: null, serial: null, deviceType: 'unknown', confidence: null, relabel: null,
      evidence: [{ source: 'oui', detail: `MAC ${mac} (from nmap): IEEE block F8BC12 registered to "Dell Inc."` }],
      conflicts: [],
    },
    restriction: null,
  };
}

function camera(i, at, firmware) {
  const ip = ipOf(i);
  const mac = `28:57:be:${hex2(i >> 16)}:${hex2(i >> 8)}:${hex2(i)}`;
  const serial = `DS-2CD2385G1-I20200414AAWR${String(i).padStart(9, '0')}`;
  const flagged = i % 20 === 0;
  const o = (source, key, value, detail) => observation(at, ip, source, key, value, detail);
  const observations = [
    o('nmap', 'host.up', 'arp-response', 'nmap: host up (arp-response)'),
    o('nmap', 'arp.mac', mac, `nmap: ARP reply from ${mac}`),
    o('ws-discovery', 'wsd.types', 'dn:NetworkVideoTransmitter tds:Device', 'WS-Discovery Types: dn:NetworkVideoTransmitter tds:Device'),
    o('ws-discovery', 'onvif.scopes', 'onvif://www.onvif.org/name/HIKVISION%20DS-2CD2385G1-I', 'WS-Discovery scope onvif://www.onvif.org/name/HIKVISION%20DS-2CD2385G1-I'),
    o('ws-discovery', 'wsd.xaddrs', `http://${ip}/onvif/device_service`, `WS-Discovery XAddr http://${ip}/onvif/device_service`),
    o('onvif', 'onvif.manufacturer', 'HIKVISION', 'ONVIF GetDeviceInformation anonymously: Manufacturer "HIKVISION"'),
    o('onvif', 'onvif.model', 'DS-2CD2385G1-I', 'ONVIF GetDeviceInformation anonymously: Model "DS-2CD2385G1-I"'),
    o('onvif', 'onvif.firmware', firmware, `ONVIF GetDeviceInformation anonymously: FirmwareVersion "${firmware}"`),
    o('onvif', 'onvif.serial', serial, `ONVIF GetDeviceInformation anonymously: SerialNumber "${serial}"`),
  ];
  const evidence = [
    { source: 'onvif', detail: `ONVIF GetDeviceInformation anonymously: Manufacturer "HIKVISION" → hw.vendor=hikvision (fingerprint onvif-manufacturer-hikvision, high)` },
    { source: 'oui', detail: `MAC ${mac} (from nmap): IEEE block 2857BE registered to "Hangzhou Hikvision Digital Technology Co.,Ltd." → hikvision` },
  ];
  return {
    ip,
    mac,
    macSource: 'nmap',
    ouiVendor: 'Hangzhou Hikvision Digital Technology Co.,Ltd.',
    observations,
    matches: [],
    attribution: {
      manufacturer: 'hikvision', brand: 'hikvision', model: 'DS-2CD2385G1-I', firmware, serial, deviceType: 'camera', confidence: 'high', relabel: null,
      evidence,
      conflicts: [],
    },
    restriction: flagged ? { entity: 'hikvision', lists: [FCC, NDAA], basis: 'manufacturer', confidence: 'high', evidence } : null,
  };
}

/**
 * Scan `which` (0 or 1) of a pair: scan 1 lost 1% of scan 0's devices, gained as many new ones, and 1% of its
 * cameras have new firmware, so a diff has something of every kind to report.
 */
export function syntheticScan(n, which) {
  const at = which === 0 ? '2026-12-01T09:00:00.000Z' : '2026-12-02T09:00:00.000Z';
  const devices = [];
  for (let k = 0; k < n; k++) {
    const i = which === 1 && k % 100 === 1 ? n + Math.floor(k / 100) : k; // 1% gone, 1% new
    const firmware = which === 1 && k % 100 === 10 ? 'V5.7.3 build 220112' : 'V5.6.2 build 190701';
    devices.push(i % 10 === 0 ? camera(i, at, firmware) : quiet(i, at));
  }
  return {
    scan: { startedAt: at, finishedAt: at.replace('09:00:00', '09:03:00'), targets: ['198.18.0.0/15'], status: 'complete', policy: [FCC.id, NDAA.id] },
    runs: [
      { source: 'nmap', status: 'ok', ms: 120_000, observations: 2 * n },
      { source: 'ws-discovery', status: 'ok', ms: 121_000, observations: n / 2 },
      { source: 'onvif', status: 'ok', ms: 30_000, observations: n / 2 },
    ],
    devices,
  };
}
