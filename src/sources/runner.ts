// Runs the discovery sources concurrently and streams: the moment a host is seen (by ARP, a
// multicast reply, anything), its per-host probes start, so waiting overlaps instead of adding up.
import { setMaxListeners } from 'node:events';
import type { MatchKey, Observation, ProbeStatus, SourceId, SourceRun } from '../core/types.js';
import { ScopeError, errorMessage } from '../core/errors.js';
import type { Scope } from '../net/scope.js';
import type { DiscoverySource, HostView, SourceContext, SourceOptions, SourceOutcome } from './types.js';

export interface RunnerEvents {
  readonly onHost?: (ip: string) => void;
  readonly onProgress?: (p: { hosts: number; probesDone: number; probesQueued: number; sweep: number }) => void;
}

export interface RunnerOptions extends RunnerEvents {
  readonly scope: Scope;
  readonly signal: AbortSignal;
  readonly options: SourceOptions;
  readonly concurrency?: number; // per-host probes in flight
  /** After an abort, how long probes still running may take to return what they have (default 2000 ms). */
  readonly graceMs?: number;
  readonly now?: () => Date;
}

export interface RunnerResult {
  readonly observations: readonly Observation[];
  readonly runs: readonly SourceRun[];
}

// Caps on what one host can make us keep: a hostile device must not fill memory or the database.
const MAX_VALUE = 4096;
const MAX_OBSERVATIONS_PER_HOST = 400;

// A probe that reached the device but got nonsense or no complete answer says something about the device
// (a tarpit, a parser attack); it becomes part of the device's evidence. Silence does not.
const NOTED: Partial<Record<ProbeStatus, string>> = { 'protocol-error': 'reply refused', timeout: 'gave up waiting' };

/** Resolves `ms` after `signal` aborts: the hard end of a scan, however a probe misbehaves. */
function afterAbort(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const arm = () => setTimeout(resolve, ms).unref();
    if (signal.aborted) arm();
    else signal.addEventListener('abort', arm, { once: true });
  });
}

interface Tally {
  started: number | null;
  ended: number;
  status: ProbeStatus | null;
  error?: string;
  observations: number;
  dropped: number;
  counts: Partial<Record<ProbeStatus, number>>;
}

/** Sources that ran only per host: ok when any probe got an answer, else the commonest outcome. */
function summarise(t: Tally): { status: ProbeStatus; error?: string } {
  if (t.status) return t.error ? { status: t.status, error: t.error } : { status: t.status };
  if (t.counts.ok) return { status: 'ok' };
  const [top] = Object.entries(t.counts).sort((a, b) => b[1] - a[1]);
  return { status: (top?.[0] as ProbeStatus | undefined) ?? 'skipped', ...(t.error ? { error: t.error } : {}) };
}

async function guarded(fn: () => Promise<SourceOutcome>): Promise<SourceOutcome> {
  try {
    return await fn();
  } catch (err) {
    // A scope violation is a bug in a source; surface it loudly but keep the scan going.
    if (err instanceof ScopeError) return { status: 'error', error: `scope guard: ${err.message}` };
    return { status: 'error', error: errorMessage(err) };
  }
}

export async function runSources(sources: readonly DiscoverySource[], ro: RunnerOptions): Promise<RunnerResult> {
  const now = ro.now ?? (() => new Date());
  const observations: Observation[] = [];
  const hosts = new Map<string, { obs: Observation[]; fired: Set<SourceId> }>();
  const tallies = new Map<SourceId, Tally>(
    sources.map((s) => [s.id, { started: null, ended: 0, status: null, observations: 0, dropped: 0, counts: {} }]),
  );
  const limit = ro.concurrency ?? 64;
  // Every probe in flight (per-host probes, and the sweeps' own workers) listens for the scan's abort and
  // removes its listener when done; Node's leak warning at 10 listeners would only be noise on stderr.
  setMaxListeners(0, ro.signal);
  const queue: (() => Promise<void>)[] = [];
  const inFlight = new Set<Promise<void>>();
  let probesDone = 0;
  let sweep = 0;
  let idle: (() => void) | null = null;
  let closed = false;

  const report = () => ro.onProgress?.({ hosts: hosts.size, probesDone, probesQueued: queue.length + inFlight.size, sweep });
  const pump = () => {
    while (inFlight.size < limit && queue.length > 0 && !ro.signal.aborted) {
      const task = queue.shift()!;
      const p = task().finally(() => {
        inFlight.delete(p);
        probesDone++;
        report();
        pump();
      });
      inFlight.add(p);
    }
    if (inFlight.size === 0 && (queue.length === 0 || ro.signal.aborted)) idle?.();
  };

  const schedule = (source: DiscoverySource, ip: string) => {
    const host = hosts.get(ip)!;
    if (!source.perHost || host.fired.has(source.id) || source.perHost.ignores?.(ip, ro.scope)) return;
    host.fired.add(source.id);
    const view: HostView = { ip, observations: () => host.obs };
    const tally = tallies.get(source.id)!;
    queue.push(async () => {
      tally.started ??= Date.now();
      const ctx = contextFor(source);
      const out = await guarded(() => source.perHost!.probe(view, ctx));
      tally.counts[out.status] = (tally.counts[out.status] ?? 0) + 1;
      if (out.error && out.status !== 'no-reply') tally.error ??= `${ip}: ${out.error}`;
      const noted = NOTED[out.status];
      if (noted) ctx.emit(`probe.${out.status}`, ip, out.error ?? out.status, `${noted}: ${out.error ?? out.status}`);
      tally.ended = Date.now();
    });
  };

  const record = (obs: Observation) => {
    let host = hosts.get(obs.ip);
    const isNew = !host;
    if (!host) {
      host = { obs: [], fired: new Set() };
      hosts.set(obs.ip, host);
    }
    if (host.obs.length >= MAX_OBSERVATIONS_PER_HOST) return false;
    host.obs.push(obs);
    observations.push(obs);
    if (isNew) ro.onHost?.(obs.ip);
    for (const s of sources) {
      const trigger = s.perHost?.trigger;
      if (trigger === obs.key || (trigger === 'live' && isNew)) schedule(s, obs.ip);
    }
    pump();
    return true;
  };

  function contextFor(source: DiscoverySource): SourceContext {
    const tally = tallies.get(source.id)!;
    return {
      scope: ro.scope,
      signal: ro.signal,
      options: ro.options,
      emit(key: MatchKey, ip, value, detail) {
        if (closed) return; // a probe that outlived the grace period: its result comes too late
        // Replies from outside the targets (a multicast answer from another subnet) are counted, never kept or probed.
        if (!ro.scope.allows(ip)) {
          tally.dropped++;
          return;
        }
        const obs: Observation = { source: source.id, at: now().toISOString(), ip, key, value: value.slice(0, MAX_VALUE), detail: detail.slice(0, MAX_VALUE) };
        if (record(obs)) tally.observations++;
        else tally.dropped++;
      },
      drop() {
        tally.dropped++;
      },
      progress(done, total) {
        sweep = total > 0 ? Math.round((100 * done) / total) : 0;
        report();
      },
    };
  }

  const unfinished = new Set(sources.filter((s) => s.run).map((s) => s.id));
  const broadcast = sources.filter((s) => s.run).map(async (s) => {
    const tally = tallies.get(s.id)!;
    tally.started = Date.now();
    const out = await guarded(() => s.run!(contextFor(s)));
    if (closed) return;
    unfinished.delete(s.id);
    tally.status = out.status;
    if (out.error) tally.error = out.error;
    tally.ended = Math.max(tally.ended, Date.now());
  });
  const deadline = afterAbort(ro.signal, ro.graceMs ?? 2000);
  await Promise.race([Promise.all(broadcast), deadline]);
  // Per-host probes can trigger further probes (a WS-Discovery reply starts the ONVIF query), so wait for quiet.
  await Promise.race([
    new Promise<void>((resolve) => {
      idle = resolve;
      pump();
    }),
    deadline,
  ]);
  closed = true;
  for (const id of unfinished) {
    const t = tallies.get(id)!;
    t.status = 'skipped';
    t.error = 'stopped: the scan was interrupted before this source finished';
    t.ended = Date.now();
  }

  const runs: SourceRun[] = sources.map((s) => {
    const t = tallies.get(s.id)!;
    const { status, error } = summarise(t);
    return {
      source: s.id,
      status,
      ms: t.started === null ? 0 : Math.max(0, t.ended - t.started),
      ...(error ? { error } : {}),
      observations: t.observations,
      ...(Object.keys(t.counts).length ? { counts: t.counts } : {}),
      ...(t.dropped ? { dropped: t.dropped } : {}),
    };
  });
  return { observations, runs };
}
