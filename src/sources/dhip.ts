// Source `dhip`: Dahua's own discovery protocol (DHIP on UDP 37810). Dahua-platform firmware answers it
// whatever brand it is sold under, so an OEM relabel (Intelbras, Amcrest…) still reveals its builder.
// Sends: DHDiscover.search to 239.255.255.251:37810 out of every local interface on the target subnets,
// twice, and once by unicast to every live host beyond a router (the group probe asks those on the segment);
// listens on the group too (group-discovery.ts).
// Emits: dhip.method (any answer: the hardware runs Dahua firmware), dhip.device-class (IPC, NVR, …),
// dhip.device-type (model), dhip.vendor (the label: an OEM's name, or Private), dhip.serial, dhip.mac,
// dhip.version. Format and fixtures: src/protocols/dhip.ts.
import { buildSearch, DHIP_GROUP, DHIP_PORT, DHIP_REPLY_METHOD, MAX_DHIP_BYTES, parseDeviceInfo, type DhipDeviceInfo } from '../protocols/dhip.js';
import { groupDiscoverySource, type GroupDiscovery } from './group-discovery.js';

/** The protocol's parts; exported so tests can see what a reply emits. */
export const dhipDiscovery: GroupDiscovery<DhipDeviceInfo> = {
  id: 'dhip',
  summary: 'Dahua DHIP DHDiscover.search to 239.255.255.251:37810 on each local target subnet, and unicast to each live host; hears replies sent to the group',
  protocol: 'DHIP',
  group: DHIP_GROUP,
  port: DHIP_PORT,
  maxBytes: MAX_DHIP_BYTES,
  probe: buildSearch,
  parse: parseDeviceInfo,
  statedIp: (r) => r.ipv4,
  facts: (r) => [
    ['dhip.method', DHIP_REPLY_METHOD, 'reply method'],
    ['dhip.device-class', r.deviceClass, 'DeviceClass'],
    ['dhip.device-type', r.deviceType, 'DeviceType'],
    ['dhip.vendor', r.vendor, 'Vendor'],
    ['dhip.serial', r.serial, 'SerialNo'],
    ['dhip.mac', r.mac, 'mac'],
    ['dhip.version', r.version, 'Version'],
  ],
};

export const dhipSource = groupDiscoverySource(dhipDiscovery);
