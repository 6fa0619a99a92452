// Dahua DHIP discovery reply (client.notifyDevInfo), modelled on the real IPC-HDW1431T1-S4 and Intelbras
// replies (research peers-and-protocols.md §3.4, test/fixtures/dhip): the same keys in the same order, the
// 32-byte little-endian header, and the "\n\0" tail counted in the body length (the framing a Go client of
// the IPC-HDW1431T1-S4 strips, and the length UniversalScanner checks against the datagram).

import type { DhipService } from '../topology.js';
import { linkLocalFromMac } from './common.js';

export interface DhipReplyArgs {
  readonly mac: string;
  readonly ip: string;
  readonly netmask: string;
  readonly gateway: string;
}

/** Header: 0x20, "DHIP", session 0, request id 0, body length, 0, body length, 0. */
export function dhipFrame(body: Buffer): Buffer {
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0x20, 0);
  header.write('DHIP', 4, 'latin1');
  header.writeUInt32LE(body.length, 16);
  header.writeUInt32LE(body.length, 24);
  return Buffer.concat([header, body]);
}

export function dhipNotifyDevInfo(svc: DhipService, a: DhipReplyArgs): Buffer {
  const deviceInfo = {
    AlarmInputChannels: 0,
    AlarmOutputChannels: 0,
    DeviceClass: svc.deviceClass,
    DeviceID: '',
    DeviceType: svc.model,
    Find: 'BC',
    FindVersion: 1,
    HttpPort: 80,
    IPv4Address: { DefaultGateway: a.gateway, DhcpEnable: false, IPAddress: a.ip, SubnetMask: a.netmask },
    IPv6Address: { DefaultGateway: null, DhcpEnable: false, IPAddress: '/0', LinkLocalAddress: `${linkLocalFromMac(a.mac)}/64` },
    Init: 2714,
    MachineName: svc.serial,
    Manufacturer: svc.vendor,
    Port: 37777,
    RemoteVideoInputChannels: 0,
    SerialNo: svc.serial,
    UnLoginFuncMask: 1,
    Vendor: svc.vendor,
    Version: svc.version,
    VideoInputChannels: 1,
    VideoOutputChannels: 0,
  };
  // The devices escape "/" as "\/" (PHP-style JSON encoders); JSON.stringify does not, and neither need to.
  const json = JSON.stringify({ mac: a.mac, method: 'client.notifyDevInfo', params: { deviceInfo } });
  return dhipFrame(Buffer.from(`${json}\n\0`, 'utf8'));
}
