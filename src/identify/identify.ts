// One merged device → a judged device: fingerprint matches, the MAC the device can be named by,
// its registry owner, the attribution, and the restriction under the chosen policy.
import { normalizeMac } from '../core/mac.js';
import type { MergedDevice } from '../core/merge.js';
import type { Attribution, JudgedDevice, Match, Observation, SourceId } from '../core/types.js';
import type { Knowledge } from '../knowledge/types.js';
import type { OuiRegistry } from '../knowledge/oui.js';
import { decide, type Policy } from '../policy/judge.js';
import { matchObservations } from './fingerprint.js';
import { attribute, type OuiHit } from './attribute.js';

/** Behind a router there is no L2 MAC; only a MAC the device states about itself may stand in. */
function statedMac(device: MergedDevice, matches: readonly Match[]): { mac: string; source: SourceId } | null {
  for (const m of matches) {
    const mac = normalizeMac(m.fields['hw.mac']);
    if (mac) return { mac, source: m.from.source };
  }
  for (const o of device.observations) {
    const mac = o.key.endsWith('.mac') && o.key !== 'arp.mac' ? normalizeMac(o.value) : null;
    if (mac) return { mac, source: o.source };
  }
  return null;
}

// Facts that identify no maker but that an auditor needs to see (a device demanding credentials, an XAddr
// camaudit refused to follow, a reply refused as hostile or malformed, a device that never finished answering,
// a discovery reply stating an address other than the one it came from).
const NOTE_KEYS: ReadonlySet<string> = new Set(['onvif.fault', 'onvif.xaddr-refused', 'probe.protocol-error', 'probe.timeout', 'sadp.stated-ip', 'dhip.stated-ip']);

function withNotes(a: Attribution, observations: readonly Observation[]): Attribution {
  const notes = observations.filter((o) => NOTE_KEYS.has(o.key)).map((o) => ({ source: o.source, detail: o.detail }));
  return notes.length ? { ...a, evidence: [...a.evidence, ...notes] } : a;
}

export function identify(device: MergedDevice, k: Knowledge, oui: OuiRegistry, policy: Policy): JudgedDevice {
  const matches = matchObservations(device.observations, k);
  const stated = device.mac ? null : statedMac(device, matches);
  const mac = device.mac ?? stated?.mac ?? null;
  const macSource = device.mac ? device.macSource : (stated?.source ?? null);
  const hit = mac ? oui.lookup(mac) : null;
  const ouiHit: OuiHit | null = hit && mac && macSource ? { mac, prefix: hit.prefix, org: hit.org, source: macSource } : null;
  const attribution = withNotes(attribute(matches, ouiHit, k), device.observations);
  const { restriction, decidedBy } = decide({ attribution, ip: device.ip, mac }, policy);
  return {
    ip: device.ip,
    mac,
    macSource,
    ouiVendor: hit?.org ?? null,
    observations: device.observations,
    matches,
    attribution,
    restriction,
    decidedBy,
  };
}
