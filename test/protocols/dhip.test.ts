import { describe, expect, it } from 'vitest';
import { buildFrame, buildSearch, MAX_DHIP_BYTES, MAX_DHIP_FIELD, parseDeviceInfo, parseFrame } from '../../src/protocols/dhip.js';
import { expectParseError, fixture, rng } from './hostile.js';

const ZSCAN_REQUEST = Buffer.from(fixture('dhip/dhdiscover-search-request.hex').trim(), 'hex');
const HDW1431 = fixture('dhip/dahua-ipc-hdw1431t1-s4-notifydevinfo.json');
const SS3530 = fixture('dhip/intelbras-ss-3530-mf-face-w-notifydevinfo.json');
const MHDX = fixture('dhip/intelbras-mhdx-1016-notifydevinfo.json');

/** A reply as devices frame it: the JSON, then "\n\0", both counted in the header's length (SOURCES.md). */
const reply = (json: string): Buffer => buildFrame(`${json}\n\0`);

describe('buildSearch', () => {
  it('is byte for byte the request zscan sends', () => {
    expect(buildSearch().equals(ZSCAN_REQUEST)).toBe(true);
  });

  it('round-trips through the frame parser, and is never read as a reply', () => {
    const f = parseFrame(buildSearch());
    expect(f).toEqual({ session: 0, id: 0, body: '{ "method" : "DHDiscover.search", "params" : { "mac" : "", "uni" : 1 } }' });
    expectParseError(() => parseDeviceInfo(buildSearch()), /"DHDiscover.search" is not a discovery reply/);
    expect(parseFrame(buildFrame('{}', { session: 7, id: 9 }))).toEqual({ session: 7, id: 9, body: '{}' });
  });
});

describe('parseDeviceInfo on real replies', () => {
  it('Dahua IPC-HDW1431T1-S4 (Vendor "Private", Dahua OUI)', () => {
    expect(parseDeviceInfo(reply(HDW1431))).toEqual({
      mac: '08:ed:ed:87:42:7a',
      deviceClass: 'IPC',
      deviceType: 'IPC-HDW1431T1-S4',
      serial: '6C01E93PAG69A7D',
      vendor: 'Private',
      version: '2.800.0000000.13.R',
      ipv4: '192.168.124.17',
    });
  });

  it('Intelbras SS 3530 MF FACE W (Intelbras label on a Dahua OUI)', () => {
    expect(parseDeviceInfo(reply(SS3530))).toMatchObject({ mac: 'b4:4c:3b:f4:e3:01', deviceClass: 'BSC', vendor: 'Intelbras', version: '2.000.00IB004.0.R' });
  });

  it('Intelbras MHDX 1016 DVR', () => {
    expect(parseDeviceInfo(reply(MHDX))).toEqual({
      mac: '58:10:8c:4d:3b:fa',
      deviceClass: 'MHDX',
      deviceType: 'MHDX 1016',
      serial: 'O9RF220012635',
      vendor: 'Intelbras',
      version: '3.210.IB01.3',
      ipv4: '192.168.15.110',
    });
  });

  it('accepts the tail outside the counted length, and Manufacturer when Vendor is missing', () => {
    const outside = Buffer.concat([buildFrame(HDW1431), Buffer.from('\n\0')]);
    expect(parseDeviceInfo(outside).serial).toBe('6C01E93PAG69A7D');
    expect(parseDeviceInfo(reply(HDW1431.replace('"Vendor":"Private",', ''))).vendor).toBe('Private');
  });
});

describe('parseDeviceInfo refuses what is not a discovery reply', () => {
  const full = reply(HDW1431);

  it('truncated: every cut of a real reply is a ParseError', () => {
    for (let cut = 0; cut < full.length; cut += 5) expectParseError(() => parseDeviceInfo(full.subarray(0, cut)));
  });

  it('a bad header', () => {
    const bad = (edit: (b: Buffer) => void) => {
      const b = Buffer.from(full);
      edit(b);
      return b;
    };
    expectParseError(() => parseDeviceInfo(bad((b) => b.writeUInt32LE(0x21, 0))), /not a DHIP frame/);
    expectParseError(() => parseDeviceInfo(bad((b) => b.write('DHIQ', 4, 'latin1'))), /not a DHIP frame/);
    expectParseError(() => parseDeviceInfo(bad((b) => b.writeUInt32LE(b.readUInt32LE(24) - 1, 24))), /two different body lengths/);
    expectParseError(() => parseDeviceInfo(bad((b) => (b.writeUInt32LE(0xffffffff, 16), b.writeUInt32LE(0xffffffff, 24)))), /truncated/);
    expectParseError(() => parseDeviceInfo(Buffer.concat([buildFrame(HDW1431), Buffer.from('{"x":1}')])), /bytes after its body/);
  });

  it('a body that is not the expected JSON', () => {
    expectParseError(() => parseDeviceInfo(reply('{"mac":')), /not JSON/);
    expectParseError(() => parseDeviceInfo(reply('[1,2]')), /not a JSON object/);
    expectParseError(() => parseDeviceInfo(reply('{"method":"client.notifyDevInfo","params":{}}')), /without params.deviceInfo/);
    expectParseError(() => parseDeviceInfo(reply('{"method":"client.notifyDevInfo","params":{"deviceInfo":[]}}')), /without params.deviceInfo/);
    const long = HDW1431.replace('"SerialNo":"6C01E93PAG69A7D"', `"SerialNo":"${'9'.repeat(MAX_DHIP_FIELD + 1)}"`);
    expectParseError(() => parseDeviceInfo(reply(long)), /SerialNo longer/);
  });

  it('ignores non-string fields and never follows __proto__', () => {
    const hostile = '{"method":"client.notifyDevInfo","__proto__":{"polluted":1},"params":{"deviceInfo":{"__proto__":{"DeviceType":"evil"},"SerialNo":42,"Vendor":{"x":"y"}}}}';
    expect(parseDeviceInfo(reply(hostile))).toEqual({ mac: null, deviceClass: null, deviceType: null, serial: null, vendor: null, version: null, ipv4: null });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('oversized', () => {
    const big = reply(HDW1431.replace('"Find":"BC"', `"Find":"${'B'.repeat(MAX_DHIP_BYTES)}"`));
    expectParseError(() => parseDeviceInfo(big), /larger than/);
  });

  it('random bytes, with and without a valid header, only ever give a ParseError', () => {
    const next = rng(37810);
    for (let n = 0; n < 200; n++) {
      const body = Buffer.from(Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256)));
      expectParseError(() => parseDeviceInfo(body));
      expectParseError(() => parseDeviceInfo(buildFrame(body.toString('latin1'))));
    }
  });
});
