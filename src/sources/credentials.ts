// Which credential a device may receive. A credential goes only to addresses inside its own ranges,
// so a password meant for one site's cameras is never offered to a device elsewhere, and one device
// is offered at most one credential (camaudit never tries passwords in turn).
import { parseIpv4 } from '../core/targets.js';
import type { Credentials, ScopedCredentials } from './types.js';

export function credentialFor(list: readonly ScopedCredentials[], ip: string): Credentials | null {
  const n = parseIpv4(ip);
  if (n === null) return null;
  const c = list.find((x) => x.ranges.some((r) => n >= r.start && n <= r.end));
  return c ? { username: c.username, password: c.password } : null;
}
