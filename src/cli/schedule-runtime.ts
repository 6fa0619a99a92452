// What `schedule run` and `daemon` both need to run schedules: both repositories on one database file,
// the vendor-db loaded once, and a Scanner that is `camaudit scan` with the schedule's
// stored targets and settings.
import { loadKnowledge } from '../knowledge/load.js';
import { ouiRegistry } from '../knowledge/oui.js';
import type { Scanner } from '../schedule/run.js';
import type { ScheduleStore } from '../store/schedule-store.js';
import type { Store } from '../store/store.js';
import { planScan, scanAndStore } from './scan-job.js';
import { keepBeside, openScheduleStore, openStore } from './store.js';

/** A run renews its lock every third of this; a lock not renewed for this long is taken over. */
export const LOCK_TTL_MS = 60_000;

export interface ScheduleRuntime {
  readonly store: Store;
  readonly schedules: ScheduleStore;
  readonly scanner: Scanner;
  close(): Promise<void>;
}

export async function openScheduleRuntime(db: string): Promise<ScheduleRuntime> {
  const knowledge = loadKnowledge();
  const store = await openStore(db, knowledge);
  let schedules: ScheduleStore;
  try {
    schedules = await openScheduleStore(db);
  } catch (err) {
    await store.close();
    throw err;
  }
  const scanner: Scanner = async (schedule, signal) => {
    const plan = planScan(schedule.targets, schedule.settings, knowledge); // again at each run: interfaces and secrets change
    const { id, result } = await scanAndStore(plan, { store: async () => store, knowledge, oui: ouiRegistry, fallback: keepBeside(db, plan.policy.knowledge) }, signal);
    return { scanId: id, status: result.scan.status };
  };
  return {
    store,
    schedules,
    scanner,
    async close() {
      await schedules.close();
      await store.close();
    },
  };
}
