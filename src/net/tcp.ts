// TCP reachability: a host that completes a handshake or answers with RST is alive. Used to find
// hosts behind routers, where ARP cannot reach, when nmap is not available.
import * as net from 'node:net';
import { admitted, type Scope } from './scope.js';

export type TcpPingResult = 'open' | 'closed' | 'silent';

export function tcpPing(scope: Scope, ip: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<TcpPingResult> {
  return admitted<TcpPingResult>(scope, ip, signal, 'silent', () => connectOnce(ip, port, timeoutMs, signal));
}

function connectOnce(ip: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<TcpPingResult> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: ip, port });
    const finish = (r: TcpPingResult) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      resolve(r);
    };
    const onAbort = () => finish('silent');
    const timer = setTimeout(() => finish('silent'), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('connect', () => finish('open'));
    sock.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'closed' : 'silent'));
  });
}
