// What a simulated service gets from the device runtime, and what it hands back.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestLog } from '../log.js';
import type { DeviceProfile, DeviceServices } from '../topology.js';

export type ServiceName = keyof DeviceServices;

export interface ServiceContext {
  readonly profile: DeviceProfile;
  /** Prefix length of the device's segment (GetNetworkInterfaces reports it). */
  readonly prefixLength: number;
  /** Address every socket binds to: the device's own IP in a lab; 127.0.0.1 in loopback unit tests. */
  readonly bindIp: string;
  readonly log: RequestLog;
  /** Join the discovery groups (239.255.255.250, 239.255.255.251) on bindIp (false for loopback unit tests: lo has no multicast). */
  readonly multicast: boolean;
  /** Port overrides for loopback unit tests (0 = any free port). */
  readonly portOverride?: Partial<Record<ServiceName, number>>;
  readonly bootTime: Date;
  /** The device's HTTP server on a port, shared by every service that serves paths on it. */
  http(port: number): Promise<HttpHub>;
}

export interface HttpRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly body: Buffer;
  /** Remote address without the IPv4-mapped prefix. */
  readonly from: string;
}

export interface HttpHub {
  readonly port: number;
  /** Serve an exact path (query string ignored). Unrouted paths answer 404 and are logged as service `http`. */
  route(path: string, handler: (r: HttpRequest) => void): void;
}

export interface ServiceHandle {
  readonly service: ServiceName;
  /** Ports actually bound, by protocol label (e.g. { udp: 3702 } or { tcp: 80 }). */
  readonly ports: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

export type ServiceStarter<S> = (service: S, ctx: ServiceContext) => Promise<ServiceHandle>;
