// The whole pipeline, top to bottom:
// targets → discovery sources → observations → devices → attribution → policy → (store → export, in cli/).
import type { SourceId, ScanResult } from './core/types.js';
import type { TargetSet } from './core/targets.js';
import { mergeObservations } from './core/merge.js';
import { identify } from './identify/identify.js';
import type { Knowledge } from './knowledge/types.js';
import type { OuiRegistry } from './knowledge/oui.js';
import type { LocalInterface } from './net/interfaces.js';
import type { PaceOptions } from './net/pace.js';
import { createScope } from './net/scope.js';
import type { Policy } from './policy/judge.js';
import { selectSources, type SweepChoice } from './sources/index.js';
import { runSources, type RunnerEvents } from './sources/runner.js';
import type { SourceOptions } from './sources/types.js';

export interface ScanRequest extends RunnerEvents {
  readonly targets: TargetSet;
  readonly interfaces: readonly LocalInterface[];
  readonly policy: Policy;
  readonly sources: SourceOptions;
  readonly disabled?: readonly SourceId[];
  /** --rate and the per-host limits; defaults in net/pace.ts. */
  readonly pace?: Partial<PaceOptions>;
  readonly signal: AbortSignal;
  readonly onStart?: (sweep: SweepChoice) => void;
}

/** `oui` loads the MAC registry (25 ms from its saved index; 0.4 s the first time, which builds it): first called once discovery has started. */
export async function scan(req: ScanRequest, knowledge: Knowledge, oui: () => OuiRegistry): Promise<ScanResult> {
  const startedAt = new Date().toISOString();
  const scope = createScope(req.targets, req.interfaces, req.pace ? { pace: req.pace } : {});
  const { sources, sweep } = selectSources(req.sources, req.disabled);
  req.onStart?.(sweep);

  const discovery = runSources(sources, { ...req, scope, options: req.sources }); // edge: the network
  // Loading the registry blocks for a while, and discovery waits on the network (nmap sweeps in a process of
  // its own): load it once the sources have sent their first packets, not before the scan starts. Replies
  // wait in the sockets meanwhile, and no probe deadline is short enough to expire in that time.
  await new Promise((resolve) => setImmediate(resolve));
  const registry = oui();
  const { observations, runs } = await discovery;
  const devices = mergeObservations(observations); // pure from here on
  // A policy file may add makers of its own: attribute with the knowledge the policy was loaded on top of.
  const judged = devices.map((d) => identify(d, req.policy.knowledge, registry, req.policy));

  return {
    scan: {
      startedAt,
      finishedAt: new Date().toISOString(),
      targets: req.targets.specs,
      status: req.signal.aborted ? 'interrupted' : 'complete',
      policy: req.policy.lists.map((l) => l.id),
    },
    runs,
    devices: judged,
  };
}
