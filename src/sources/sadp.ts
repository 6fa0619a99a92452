// Source `sadp`: Hikvision's own discovery protocol, which answers whether or not ONVIF is enabled (it is off
// by default on Hikvision firmware 5.5.0 and later, research peers-and-protocols.md §2).
// Sends: the SADP Probe (Types inquiry) to 239.255.255.250:37020 out of every local interface on the target
// subnets, twice, and once by unicast to every live host beyond a router (the group probe asks those on the
// segment); listens on the group too (group-discovery.ts).
// Emits: sadp.types (any answer: the hardware runs Hikvision firmware), sadp.device-type (numeric code),
// sadp.description (model), sadp.serial, sadp.mac, sadp.firmware, sadp.activated, sadp.oem (DetailOEMCode,
// OEMCode, OEMInfo as `field=value`). Format and fixtures: src/protocols/sadp.ts.
import { buildProbe, MAX_SADP_BYTES, newProbeUuid, parseProbeMatch, SADP_GROUP, SADP_PORT, type SadpProbeMatch } from '../protocols/sadp.js';
import { groupDiscoverySource, type Fact, type GroupDiscovery } from './group-discovery.js';

/** The protocol's parts; exported so tests can see what a reply emits. */
export const sadpDiscovery: GroupDiscovery<SadpProbeMatch> = {
  id: 'sadp',
  summary: 'Hikvision SADP Probe to 239.255.255.250:37020 on each local target subnet, and unicast to each live host; hears replies sent to the group',
  protocol: 'SADP',
  group: SADP_GROUP,
  port: SADP_PORT,
  maxBytes: MAX_SADP_BYTES,
  probe: () => Buffer.from(buildProbe(newProbeUuid()), 'utf8'),
  parse: (data) => parseProbeMatch(data.toString('utf8')),
  statedIp: (r) => r.ipv4,
  facts: (r) => [
    ['sadp.types', r.types, 'ProbeMatch answering Types'],
    ['sadp.device-type', r.deviceType, 'DeviceType'],
    ['sadp.description', r.description, 'DeviceDescription'],
    ['sadp.serial', r.serial, 'DeviceSN'],
    ['sadp.mac', r.mac, 'MAC'],
    ['sadp.firmware', r.firmware, 'SoftwareVersion'],
    ['sadp.activated', r.activated === null ? null : String(r.activated), 'Activated'],
    ...r.oem.map((o): Fact => ['sadp.oem', `${o.field}=${o.value}`, 'OEM field']),
  ],
};

export const sadpSource = groupDiscoverySource(sadpDiscovery);
