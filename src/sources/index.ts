// The discovery sources, in one array (no plugin system). Adding one: see README "Adding a source".
import type { SourceId } from '../core/types.js';
import { canUseRawSockets } from '../net/privileges.js';
import { nmapInstalled } from '../net/nmap.js';
import { dhipSource } from './dhip.js';
import { httpSource } from './http.js';
import { neighboursSource } from './neighbours.js';
import { nmapSource } from './nmap.js';
import { onvifSource } from './onvif.js';
import { rtspSource } from './rtsp.js';
import { sadpSource } from './sadp.js';
import type { DiscoverySource, SourceOptions } from './types.js';
import { wsDiscoverySource } from './ws-discovery.js';

export const ALL_SOURCES: readonly DiscoverySource[] = [nmapSource, neighboursSource, wsDiscoverySource, onvifSource, sadpSource, dhipSource, httpSource, rtspSource];

export interface SweepChoice {
  readonly source: DiscoverySource;
  readonly why: string;
}

/** `--sweep auto` uses nmap when it is installed and may use raw sockets (else it reports no MACs). */
export function chooseSweep(opts: SourceOptions): SweepChoice {
  if (opts.sweep === 'nmap') return { source: nmapSource, why: 'requested with --sweep nmap' };
  if (opts.sweep === 'builtin') return { source: neighboursSource, why: 'requested with --sweep builtin' };
  if (!nmapInstalled(opts.nmapPath)) return { source: neighboursSource, why: 'nmap is not installed' };
  if (!canUseRawSockets()) return { source: neighboursSource, why: 'no raw sockets (not root, no CAP_NET_RAW): nmap would report no MACs' };
  return { source: nmapSource, why: 'nmap installed and raw sockets available' };
}

export function selectSources(opts: SourceOptions, disabled: readonly SourceId[] = []): { sources: DiscoverySource[]; sweep: SweepChoice } {
  const sweep = chooseSweep(opts);
  const sources = [sweep.source, ...ALL_SOURCES.filter((s) => s.id !== 'nmap' && s.id !== 'neighbours')].filter((s) => !disabled.includes(s.id));
  return { sources, sweep };
}
