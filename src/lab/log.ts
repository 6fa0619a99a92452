// The device request log: one line per request a simulated device receives, so tests can assert what a
// scanner sent and, as important, what it did NOT send.
//
//   <iso time> <service> <from-ip> <operation>[ key=value]...
//   2026-11-26T07:41:02.114Z ws-discovery 198.18.0.1 Probe dst=multicast sport=40211 msgid=uuid:5d…  reply=sent
//   2026-11-26T07:41:02.530Z onvif 198.18.0.1 GetDeviceInformation status=200 auth=none path=/onvif/device_service
//   2026-11-26T07:41:02.610Z http 198.18.0.1 GET status=404 path=/index.html
//
// Fields never contain spaces: anything outside a safe set is %XX-encoded (decoded again by parseLogLine).
// Each device appends to its own file (<lab dir>/<device>.log); one appendFileSync per line.

import { appendFileSync, readFileSync } from 'node:fs';

export interface LogRecord {
  readonly at: string;
  readonly device: string;
  readonly service: string;
  readonly from: string;
  readonly operation: string;
  readonly detail: Readonly<Record<string, string>>;
}

const UNSAFE = /[^\w.:/@+,;!*'()[\]-]/g;

function enc(v: string, max = 300): string {
  const s = v.length > max ? `${v.slice(0, max)}…` : v;
  return s.replace(UNSAFE, (c) => encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`)) || '-';
}

function dec(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

export function formatLogLine(
  service: string,
  from: string,
  operation: string,
  detail: Readonly<Record<string, string | number | boolean | null | undefined>> = {},
  at: Date = new Date(),
): string {
  const kv = Object.entries(detail)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => ` ${enc(k, 40)}=${enc(String(v))}`)
    .join('');
  return `${at.toISOString()} ${enc(service, 40)} ${enc(from, 64)} ${enc(operation, 120)}${kv}`;
}

export function parseLogLine(line: string, device: string): LogRecord | null {
  const parts = line.trim().split(' ');
  if (parts.length < 4) return null;
  const [at, service, from, operation, ...rest] = parts as [string, string, string, string, ...string[]];
  const detail: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) detail[dec(p.slice(0, eq))] = dec(p.slice(eq + 1));
  }
  return { at, device, service: dec(service), from: dec(from), operation: dec(operation), detail };
}

export function readLogFile(file: string, device: string): LogRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: LogRecord[] = [];
  for (const line of text.split('\n')) {
    const r = line ? parseLogLine(line, device) : null;
    if (r) out.push(r);
  }
  return out;
}

export class RequestLog {
  constructor(private readonly file: string) {}

  write(service: string, from: string, operation: string, detail?: Readonly<Record<string, string | number | boolean | null | undefined>>): void {
    try {
      appendFileSync(this.file, `${formatLogLine(service, from, operation, detail)}\n`);
    } catch (err) {
      process.stderr.write(`request log: ${String(err)}\n`);
    }
  }
}
