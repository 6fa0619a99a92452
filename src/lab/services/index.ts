// The service registry. Adding a simulated service = one optional field in topology.ts `DeviceServices`
// plus one entry here (the mapped type makes a missing entry a compile error).

import type { DeviceServices } from '../topology.js';
import type { ServiceName, ServiceStarter } from './context.js';
import { startDhip } from './dhip.js';
import { startHostile } from './hostile.js';
import { startHttp } from './http.js';
import { startOnvif } from './onvif.js';
import { startRtsp } from './rtsp.js';
import { startSadp } from './sadp.js';
import { startWsDiscovery } from './ws-discovery.js';

export const SERVICES: { readonly [K in ServiceName]-?: ServiceStarter<NonNullable<DeviceServices[K]>> } = {
  wsDiscovery: startWsDiscovery,
  onvif: startOnvif,
  sadp: startSadp,
  dhip: startDhip,
  hostile: startHostile,
  http: startHttp,
  rtsp: startRtsp,
};

/** Start order: HTTP-based services first so discovery never advertises a URL that is not listening yet. */
export const SERVICE_ORDER: readonly ServiceName[] = ['onvif', 'hostile', 'wsDiscovery'];

export type { HttpHub, HttpRequest, ServiceContext, ServiceHandle, ServiceName, ServiceStarter } from './context.js';
