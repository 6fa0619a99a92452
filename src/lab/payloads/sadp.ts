// Hikvision SADP ProbeMatch, modelled on the real DS-2CD2385G1-I reply (research peers-and-protocols.md §3.3,
// test/fixtures/sadp): the same elements in the same order, one tab per nesting level, `flase` spelt as the
// firmware spells it. Identity fields come from the lab profile; the rest are the capture's values.

import { randomBytes } from 'node:crypto';
import type { SadpService } from '../topology.js';
import { esc } from '../xml.js';

export interface SadpReplyArgs {
  /** The probe's Uuid, echoed. */
  readonly uuid: string;
  readonly types: string;
  readonly mac: string;
  readonly ip: string;
  readonly netmask: string;
  readonly gateway: string;
  readonly bootTime: Date;
}

/** `1970-01-15 02:44:11`: the device's local clock, which the capture shows was never set. */
function bootTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

export function sadpProbeMatch(svc: SadpService, a: SadpReplyArgs): string {
  const fields: [string, string | number | boolean][] = [
    ['Uuid', a.uuid],
    ['Types', a.types],
    ['DeviceType', svc.deviceType],
    ['DeviceDescription', svc.model],
    ['DeviceSN', svc.serial],
    ['CommandPort', 8000],
    ['HttpPort', 80],
    ['MAC', a.mac.replace(/:/g, '-')],
    ['IPv4Address', a.ip],
    ['IPv4SubnetMask', a.netmask],
    ['IPv4Gateway', a.gateway],
    ['IPv6Address', '::'],
    ['IPv6Gateway', '::'],
    ['IPv6MaskLen', 64],
    ['DHCP', false],
    ['AnalogChannelNum', 0],
    ['DigitalChannelNum', 1],
    ['SoftwareVersion', svc.firmware],
    ['DSPVersion', svc.dspVersion],
    ['BootTime', bootTime(a.bootTime)],
    ['Encrypt', true],
    ['ResetAbility', false],
    ['DiskNumber', 0],
    ['Activated', svc.activated],
    ['PasswordResetAbility', true],
    ['PasswordResetModeSecond', true],
    ['DetailOEMCode', svc.oemCode],
    ['SupportSecurityQuestion', true],
    ['SupportHCPlatform', true],
    ['HCPlatformEnable', 'flase'],
    ['IsModifyVerificationCode', true],
    ['Salt', randomBytes(32).toString('hex')],
    ['DeviceLock', 'flase'],
    ['SDKOverTLSPort', 8443],
    ['SDKServerStatus', true],
    ['SDKOverTLSServerStatus', true],
    ['SupportMailBox', true],
  ];
  const body = fields.map(([k, v]) => `\t\t<${k}>${esc(String(v))}</${k}>\n`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n\t<ProbeMatch>\n${body}\t</ProbeMatch>\n`;
}
