// The simulated SADP and DHIP responders: in-process on 127.0.0.1 (unicast, no root), and in a small
// namespace lab (multicast, replies to the group or to the prober). Every reply is read back with the
// scanner's own parsers (src/protocols), so lab and scanner agree on the wire format of the real captures.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDevice, runDevice } from '../../src/lab/device.js';
import { readLogFile } from '../../src/lab/log.js';
import { type Lab, startLab } from '../../src/lab/netns.js';
import { dhipMethod } from '../../src/lab/services/dhip.js';
import { type DeviceProfile, type LabTopology, defaultLab } from '../../src/lab/topology.js';
import { buildFrame, buildSearch, DHIP_GROUP, DHIP_PORT, parseDeviceInfo, parseFrame } from '../../src/protocols/dhip.js';
import { buildProbe, newProbeUuid, parseProbeMatch, SADP_GROUP, SADP_PORT } from '../../src/protocols/sadp.js';
import { udpExchange } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const lab = defaultLab();
const profile = (name: string): DeviceProfile => lab.devices.find((d) => d.name === name)!;

describe('SADP and DHIP responders on loopback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'camaudit-vd-'));
  const devices: RunningDevice[] = [];
  const port = (i: number) => devices[i]!.handles[0]!.ports.udp!;
  const start = async (name: string, service: 'sadp' | 'dhip') => {
    const p = profile(name);
    devices.push(await runDevice({ profile: p, prefixLength: 24, logFile: join(dir, `${name}.log`), bindIp: '127.0.0.1', multicast: false, portOverride: { [service]: 0 } }));
  };

  beforeAll(async () => {
    await start('hik-sadp', 'sadp');
    await start('intelbras-dhip', 'dhip');
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('SADP: answers a Probe with a ProbeMatch that echoes its Uuid and states the profile', async () => {
    const uuid = newProbeUuid();
    const replies = await udpExchange(port(0), Buffer.from(buildProbe(uuid)));
    expect(replies).toHaveLength(1);
    const svc = profile('hik-sadp').services.sadp!;
    expect(parseProbeMatch(replies[0]!.toString('utf8'))).toEqual({
      uuid,
      types: 'inquiry',
      deviceType: String(svc.deviceType),
      description: svc.model,
      serial: svc.serial,
      mac: '02-5a-d0-aa-bb-21',
      ipv4: '198.18.0.21',
      firmware: svc.firmware,
      activated: true,
      oem: [{ field: 'DetailOEMCode', value: '1' }],
    });
  });

  it('SADP: ignores and logs what is not an inquiry Probe', async () => {
    for (const junk of ['hello', '<Probe><Types>inquiry</Types></Probe>', `<Probe><Uuid>${newProbeUuid()}</Uuid><Types>other</Types></Probe>`, '<ProbeMatch><Types>inquiry</Types></ProbeMatch>'])
      expect(await udpExchange(port(0), Buffer.from(junk), 150)).toEqual([]);
    const ops = readLogFile(join(dir, 'hik-sadp.log'), 'hik-sadp').map((r) => `${r.operation}:${r.detail.reply}`);
    expect(ops).toEqual(['Probe:sent', 'malformed:ignored', 'Probe:ignored', 'Probe:ignored', 'ProbeMatch:ignored']);
  });

  it('DHIP: answers DHDiscover.search with client.notifyDevInfo framed like the real replies', async () => {
    const replies = await udpExchange(port(1), buildSearch());
    expect(replies).toHaveLength(1);
    const frame = replies[0]!;
    expect(frame.readUInt32LE(16)).toBe(frame.length - 32); // the "\n\0" tail is counted
    expect(frame.subarray(-2).toString('latin1')).toBe('\n\0');
    expect(parseDeviceInfo(frame)).toEqual({
      mac: '58:10:8c:aa:bb:23',
      deviceClass: 'MHDX',
      deviceType: 'MHDX 1016',
      serial: 'O9RF220012636',
      vendor: 'Intelbras',
      version: '3.210.IB01.3',
      ipv4: '198.18.0.23',
    });
  });

  it('DHIP: answers a request with a sloppy length, like the real devices, and ignores replies and junk', async () => {
    const sloppy = buildFrame('{"method":"DHDiscover.search"}');
    sloppy.writeUInt32LE(0x3e, 16);
    sloppy.writeUInt32LE(0x3e, 24);
    expect(await udpExchange(port(1), sloppy)).toHaveLength(1);
    const notify = buildFrame('{"method":"client.notifyDevInfo","params":{"deviceInfo":{}}}');
    expect(await udpExchange(port(1), notify, 150)).toEqual([]);
    expect(await udpExchange(port(1), Buffer.from('DHIP'), 150)).toEqual([]);
    expect(dhipMethod(buildSearch())).toBe('DHDiscover.search');
    const ops = readLogFile(join(dir, 'intelbras-dhip.log'), 'intelbras-dhip').map((r) => `${r.operation}:${r.detail.reply}`);
    expect(ops).toEqual(['DHDiscover.search:sent', 'DHDiscover.search:sent', 'client.notifyDevInfo:ignored', 'malformed:ignored']);
  });
});

/**
 * From the scanner: node -e LISTEN <group> <port> <to> <payload hex> <ms>. Sends the payload to `to` from an
 * ephemeral port while listening on the group too; prints every datagram with how it arrived.
 */
const LISTEN = String.raw`
const dgram = require('dgram');
const [group, port, to, hex, ms] = process.argv.slice(1);
const got = [];
const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
const g = dgram.createSocket({ type: 'udp4', reuseAddr: true });
s.on('message', (b, r) => got.push({ from: r.address, via: 'socket', hex: b.toString('hex') }));
g.on('message', (b, r) => got.push({ from: r.address, via: 'group', hex: b.toString('hex') }));
g.bind(Number(port), group, () => {
  g.addMembership(group, '198.18.0.1');
  s.bind(0, '198.18.0.1', () => {
    s.setMulticastInterface('198.18.0.1');
    s.setMulticastTTL(1);
    s.setMulticastLoopback(false);
    s.send(Buffer.from(hex, 'hex'), Number(port), to);
    setTimeout(() => { s.close(); g.close(); console.log(JSON.stringify(got)); }, Number(ms));
  });
});`;

interface Heard {
  from: string;
  via: 'socket' | 'group';
  hex: string;
}

describe.skipIf(!isRoot)('SADP and DHIP responders in a namespace lab', () => {
  let ns: Lab | undefined;
  const get = (): Lab => {
    if (!ns) throw new Error('lab did not start');
    return ns;
  };
  const topology: LabTopology = {
    ...lab,
    name: 'vendor-discovery',
    segments: lab.segments.filter((s) => s.id === 'a'),
    routers: [],
    scanner: { ...lab.scanner, routes: [] },
    devices: ['hik-sadp', 'dahua-dhip', 'intelbras-dhip'].map(profile),
  };
  const send = async (group: string, port: number, to: string, payload: Buffer, ms = 800): Promise<Heard[]> => {
    const r = await get().execInScanner(process.execPath, ['-e', LISTEN, group, String(port), to, payload.toString('hex'), String(ms)], { timeoutMs: ms + 5000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Heard[];
  };

  beforeAll(async () => {
    ns = await startLab(topology);
  }, 60_000);
  afterAll(async () => {
    await ns?.stop();
  });

  it('SADP: a multicast probe is answered to the group, and so is a unicast one', async () => {
    const multicast = await send(SADP_GROUP, SADP_PORT, SADP_GROUP, Buffer.from(buildProbe(newProbeUuid())));
    expect(multicast.map((h) => `${h.from} ${h.via}`)).toEqual(['198.18.0.21 group']);
    expect(parseProbeMatch(Buffer.from(multicast[0]!.hex, 'hex').toString('utf8')).serial).toBe('DS-2CD2385G1-I20200414AAWRE33842151');
    const unicast = await send(SADP_GROUP, SADP_PORT, '198.18.0.21', Buffer.from(buildProbe(newProbeUuid())));
    expect(unicast.map((h) => `${h.from} ${h.via}`)).toEqual(['198.18.0.21 group']);
    const log = get().readLog('hik-sadp').map((l) => `${l.detail.dst}:${l.detail.reply}:${l.detail.to}`);
    expect(log).toEqual(['multicast:sent:group', 'unicast:sent:group']);
  });

  it('DHIP: one device answers only to the group, the relabel back to the prober', async () => {
    const heard = await send(DHIP_GROUP, DHIP_PORT, DHIP_GROUP, buildSearch());
    expect(heard.map((h) => `${h.from} ${h.via}`).sort()).toEqual(['198.18.0.22 group', '198.18.0.23 socket']);
    const info = heard.map((h) => parseDeviceInfo(Buffer.from(h.hex, 'hex')));
    expect(info.map((i) => `${i.ipv4} ${i.vendor} ${i.mac}`).sort()).toEqual(['198.18.0.22 Private 06:ed:ed:aa:bb:22', '198.18.0.23 Intelbras 58:10:8c:aa:bb:23']);
    // Each DHIP device also heard the other's reply on the group, and ignored it.
    expect(get().readLog('intelbras-dhip').map((l) => `${l.from} ${l.operation}:${l.detail.reply}`)).toEqual([
      '198.18.0.1 DHDiscover.search:sent',
      '198.18.0.22 client.notifyDevInfo:ignored',
    ]);
    expect(parseFrame(Buffer.from(heard[0]!.hex, 'hex')).session).toBe(0);
  });
});
