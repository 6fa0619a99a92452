// The benchmark labs: one segment of the given size in 198.18.0.0/15, the scanner at its first address, cameras
// cloned from defaultLab() and a crowd of quiet hosts (src/lab/crowd.ts), scattered over the segment.
import { defaultLab } from '../dist/lab/topology.js';

/**
 * The camera profiles of defaultLab() the bench clones, with the maker camaudit must name for each (what the
 * integration tests assert for the originals). A camera missing from defaultLab() is skipped with a warning.
 */
export const CAMERA_MAKERS = {
  'hik-onvif': 'hikvision',
  'dahua-onvif': 'dahua',
  'axis-onvif': 'axis',
  'dahua-laa': 'dahua',
  'onvif-auth': 'dahua',
  'routed-hik': 'hikvision',
  'hik-sadp': 'hikvision',
  'dahua-dhip': 'dahua',
  'intelbras-dhip': 'dahua',
  'hik-banner': 'hikvision',
  'ezviz-cam': 'ezviz',
  'annke-relabel': 'hikvision',
};

// Quiet hosts: unrestricted registry blocks (Intel, Dell, HP, Apple, Cisco, Raspberry Pi) and locally administered MACs.
const CROWD_OUIS = ['00:1b:21', 'f8:bc:12', '3c:d9:2b', 'a4:83:e7', '00:1a:a1', 'b8:27:eb', '02:b7:00'];

const ipToInt = (ip) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const intToIp = (n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const hex2 = (n) => n.toString(16).padStart(2, '0');
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A copy of `profile` at `ip` with `mac`: every spelling of the old address and MAC inside its services (XAddrs,
 * scopes, endpoint UUIDs, SADP's dashed MAC…) is rewritten, so the clone tells the same story about itself.
 */
function cloneCamera(profile, name, segment, ip, mac) {
  const oldMac = profile.mac;
  const forms = (m) => [m, m.toUpperCase(), m.replace(/:/g, ''), m.replace(/:/g, '').toUpperCase(), m.replace(/:/g, '-'), m.replace(/:/g, '-').toUpperCase()];
  let text = JSON.stringify(profile.services);
  text = text.replace(new RegExp(`(?<![\\d.])${escape(profile.ip)}(?![\\d])`, 'g'), ip);
  forms(oldMac).forEach((old, i) => {
    text = text.replaceAll(old, forms(mac)[i]);
  });
  return { name, segment, ip, mac, services: JSON.parse(text), note: `bench clone of ${profile.name}` };
}

/**
 * @param {{ name: string, cidr: string, cameras: number, quiet: number, seed: number }} spec (seed: where the order starts)
 * @returns {{ topology: object, cameras: { ip: string, clone: string, maker: string }[], quiet: string[] }}
 */
export function benchLab(spec) {
  const [base, len] = spec.cidr.split('/');
  const start = ipToInt(base);
  const size = 2 ** (32 - Number(len));
  // Host offsets in a scattered but fixed order: an odd multiplier permutes 0 .. size-1 (size is a power of two),
  // so the same lab comes back on every run. 0, 1 (the scanner) and size-1 are skipped.
  const need = spec.cameras + spec.quiet;
  if (need > size - 3) throw new Error(`${spec.cidr} has no room for ${need} hosts`);
  const chosen = [];
  for (let i = 0; chosen.length < need; i++) {
    const o = Number((BigInt(i + spec.seed) * 2654435761n) % BigInt(size));
    if (o > 1 && o < size - 1) chosen.push(intToIp(start + o));
  }

  const originals = defaultLab().devices.filter((d) => d.name in CAMERA_MAKERS);
  const missing = Object.keys(CAMERA_MAKERS).filter((n) => !originals.some((d) => d.name === n));
  if (missing.length) process.stderr.write(`bench: defaultLab() has no ${missing.join(', ')}; not cloned\n`);
  const devices = [];
  const cameras = [];
  for (let k = 0; k < spec.cameras; k++) {
    const o = originals[k % originals.length];
    // Keep the registry block (the first three bytes) so OUI attribution is exercised; vary the rest.
    const mac = `${o.mac.slice(0, 8)}:b7:${hex2(k >> 8)}:${hex2(k & 255)}`;
    const name = `cam${k}`;
    devices.push(cloneCamera(o, name, 'a', chosen[k], mac));
    cameras.push({ ip: chosen[k], clone: o.name, maker: CAMERA_MAKERS[o.name] });
  }
  const quiet = chosen.slice(spec.cameras);
  const members = quiet.map((ip, i) => {
    const oui = CROWD_OUIS[i % CROWD_OUIS.length];
    const n = Math.floor(i / CROWD_OUIS.length);
    return { ip, mac: `${oui}:${hex2((n >> 16) & 255)}:${hex2((n >> 8) & 255)}:${hex2(n & 255)}` };
  });
  const topology = {
    name: spec.name,
    segments: [{ id: 'a', cidr: spec.cidr }],
    scanner: { name: 'scanner', segment: 'a', ip: intToIp(start + 1), mac: '02:ca:00:00:00:01' },
    routers: [],
    devices,
    crowds: members.length ? [{ name: 'crowd', segment: 'a', members }] : [],
  };
  return { topology, cameras, quiet };
}
