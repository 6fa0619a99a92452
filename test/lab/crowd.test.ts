// Crowds (src/lab/crowd.ts): their validation, and, as root, what a scanner sees of one: every member answers ARP
// with its own MAC (to nmap's raw ARP and to the kernel), ping, and TCP/UDP refusals; empty addresses stay silent.

import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabCrowd } from '../../src/lab/crowd.js';
import { type Lab, startLab } from '../../src/lab/netns.js';
import { LabConfigError, type LabTopology, validateTopology } from '../../src/lab/topology.js';
import { labNamespaces } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const hasNmap = spawnSync('nmap', ['--version']).error === undefined;

const MEMBERS = [
  { ip: '198.18.7.10', mac: '00:1b:21:00:00:0a' },
  { ip: '198.18.7.11', mac: 'f8:bc:12:00:00:0b' },
  { ip: '198.18.7.200', mac: '02:b7:00:00:00:c8' },
];

function topology(crowd: Partial<LabCrowd> = {}): LabTopology {
  return {
    name: 'crowd-test',
    segments: [{ id: 'a', cidr: '198.18.7.0/24' }],
    scanner: { name: 'scanner', segment: 'a', ip: '198.18.7.1', mac: '02:ca:00:00:07:01' },
    routers: [],
    devices: [],
    crowds: [{ name: 'crowd', segment: 'a', members: MEMBERS, ...crowd }],
  };
}

describe('crowd validation', () => {
  it.each([
    ['a member outside 198.18.0.0/15', { members: [{ ip: '10.0.0.5', mac: '02:b7:00:00:00:01' }] }, /outside 198\.18\.0\.0\/15/],
    ['a member outside its segment', { members: [{ ip: '198.18.8.5', mac: '02:b7:00:00:00:01' }] }, /not in segment a/],
    ['the scanner address', { members: [{ ip: '198.18.7.1', mac: '02:b7:00:00:00:01' }] }, /duplicate address/],
    ['the broadcast address', { members: [{ ip: '198.18.7.255', mac: '02:b7:00:00:00:01' }] }, /broadcast/],
    ['an upper-case MAC', { members: [{ ip: '198.18.7.5', mac: '02:B7:00:00:00:01' }] }, /canonical/],
    ['a multicast MAC', { members: [{ ip: '198.18.7.5', mac: '01:00:5e:00:00:01' }] }, /unicast/],
    ['the scanner MAC', { members: [{ ip: '198.18.7.5', mac: '02:ca:00:00:07:01' }] }, /duplicate MAC/],
    ['a name taken by a host', { name: 'scanner' }, /crowd name "scanner"/],
    ['an unknown segment', { segment: 'b' }, /unknown segment "b"/],
    ['no members', { members: [] }, /1\.\.8192 members/],
  ])('refuses %s', (_what, crowd, message) => {
    expect(() => validateTopology(topology(crowd))).toThrow(LabConfigError);
    expect(() => validateTopology(topology(crowd))).toThrow(message);
  });

  it('accepts a valid crowd', () => {
    expect(() => validateTopology(topology())).not.toThrow();
  });
});

describe.runIf(isRoot)('a crowd in a running lab', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(topology());
  }, 60_000);
  afterAll(async () => {
    const prefix = lab?.prefix;
    await lab?.stop();
    if (prefix) expect(labNamespaces(prefix)).toEqual([]);
  });

  it('is one namespace of the lab, running no process', async () => {
    const ns = lab.namespaces.find((n) => n.endsWith('-crowd'));
    expect(ns).toBeDefined();
    const pids = spawnSync('ip', ['netns', 'pids', ns!], { encoding: 'utf8' });
    expect(pids.status).toBe(0);
    expect(pids.stdout.trim()).toBe('');
  });

  it.runIf(hasNmap)('answers nmap\'s ARP sweep with each member\'s own MAC, and nothing for empty addresses', async () => {
    const r = await lab.execInScanner('nmap', ['-sn', '-n', '-oG', '-', '198.18.7.0/24'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const up = [...r.stdout.matchAll(/^Host: (\S+) .*Status: Up/gm)].map((m) => m[1]).filter((ip) => ip !== '198.18.7.1');
    expect(up.sort()).toEqual(MEMBERS.map((m) => m.ip).sort());
    const xml = await lab.execInScanner('nmap', ['-sn', '-n', '-oX', '-', ...MEMBERS.map((m) => m.ip)], { timeoutMs: 60_000 });
    for (const m of MEMBERS) expect(xml.stdout).toContain(`<address addr="${m.ip}" addrtype="ipv4"/>\n<address addr="${m.mac.toUpperCase()}" addrtype="mac"`);
  }, 90_000);

  it('answers ping, refuses TCP and UDP, and the scanner\'s kernel learns each member\'s own MAC', async () => {
    for (const m of MEMBERS) {
      const ping = await lab.execInScanner('ping', ['-c', '1', '-W', '2', m.ip], { timeoutMs: 10_000 });
      expect(ping.code).toBe(0);
    }
    const probe = String.raw`
      const net = require('net'), dgram = require('dgram');
      const [ip] = process.argv.slice(1);
      const tcp = new Promise((r) => net.connect(80, ip).on('error', (e) => r(e.code)).on('connect', () => r('open')));
      const udp = new Promise((r) => { const s = dgram.createSocket('udp4'); s.on('error', (e) => { s.close(); r(e.code); });
        s.connect(3702, ip, () => { s.send('x'); setTimeout(() => r('no answer'), 3000).unref(); }); });
      Promise.all([tcp, udp]).then((x) => console.log(x.join(' ')));`;
    for (const m of MEMBERS) {
      const r = await lab.execInScanner(process.execPath, ['-e', probe, m.ip], { timeoutMs: 10_000 });
      expect(r.stdout.trim()).toBe('ECONNREFUSED ECONNREFUSED');
    }
    const neigh = await lab.execInScanner('ip', ['-4', 'neigh', 'show', 'dev', 'eth0']);
    for (const m of MEMBERS) expect(neigh.stdout).toMatch(new RegExp(`^${m.ip.replace(/\./g, '\\.')} lladdr ${m.mac} `, 'm'));
  }, 60_000);
});
