// The one interface every discovery source implements (after zgrab2's Scanner and nmap's
// prerule/hostrule): a source observes and emits raw facts; it never decides who made a device.
import type { Range } from '../core/targets.js';
import type { MatchKey, Observation, ProbeStatus, SourceId } from '../core/types.js';
import type { Scope } from '../net/scope.js';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** A credential and the only addresses it may ever be sent to (sources/credentials.ts picks one per device). */
export interface ScopedCredentials extends Credentials {
  /** Its CIDRs from the credentials file, or the scan targets for one from the environment. */
  readonly ranges: readonly Range[];
}

export interface SourceOptions {
  /** Per-probe deadlines in milliseconds. */
  readonly timeouts: { readonly unicastMs: number; readonly multicastMs: number; readonly tcpMs: number; readonly sweepMs: number };
  readonly sweep: 'auto' | 'nmap' | 'builtin';
  readonly nmapPath: string;
  /** In order of preference; empty when none were given. */
  readonly onvifCredentials: readonly ScopedCredentials[];
}

export type Emit = (key: MatchKey, ip: string, value: string, detail: string) => void;

export interface SourceContext {
  readonly scope: Scope;
  readonly signal: AbortSignal;
  readonly options: SourceOptions;
  /** Records one observation for `ip` under this source's id. Out-of-scope addresses are dropped and counted. */
  readonly emit: Emit;
  /** Counts a reply thrown away (malformed, duplicated, unexpected). */
  readonly drop: (why: string) => void;
  readonly progress: (done: number, total: number) => void;
}

/** What a per-host probe sees of a host: everything observed about it so far. */
export interface HostView {
  readonly ip: string;
  observations(): readonly Observation[];
}

export interface SourceOutcome {
  readonly status: ProbeStatus;
  readonly error?: string;
}

export interface DiscoverySource {
  readonly id: SourceId;
  /** One line for --help and the README sources table: what it sends. */
  readonly summary: string;
  /** Runs once per scan: sweeps and multicast discovery. */
  run?(ctx: SourceContext): Promise<SourceOutcome>;
  /** Runs once per host, when the trigger first fires for it: 'live' (any fact about the host) or a key. */
  readonly perHost?: {
    readonly trigger: 'live' | MatchKey;
    /** Hosts this source never probes one by one (and does not count): e.g. those its multicast probe asked. */
    readonly ignores?: (ip: string, scope: Scope) => boolean;
    probe(host: HostView, ctx: SourceContext): Promise<SourceOutcome>;
  };
}
