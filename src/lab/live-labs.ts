// The labs this process has running, torn down on SIGINT/SIGTERM/SIGHUP and on process exit (uncaught errors
// included), so a failing test or an interrupted `camaudit demo` leaves no namespaces behind. The handlers are
// installed only while at least one lab is live. A SIGKILLed owner cannot clean up: its device processes exit by
// themselves (device.ts watches its parent) and the next startLab()'s removeStaleLabs() deletes the namespaces.

const live = new Map<string, () => void>();
let installed = false;

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function onSignal(sig: NodeJS.Signals): void {
  teardownAllLive();
  uninstallHandlers();
  // Don't swallow the signal: if nobody else handles it, re-raise it so the default action (exit) happens.
  if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
}

function teardownAllLive(): void {
  for (const [prefix, teardown] of [...live]) {
    live.delete(prefix);
    try {
      teardown();
    } catch {
      /* never throw from a handler */
    }
  }
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  for (const sig of SIGNALS) process.on(sig, onSignal);
  process.on('exit', teardownAllLive);
}

function uninstallHandlers(): void {
  if (!installed) return;
  installed = false;
  for (const sig of SIGNALS) process.removeListener(sig, onSignal);
  process.removeListener('exit', teardownAllLive);
}

/** `teardown` must be synchronous: it may run in an 'exit' handler. */
export function registerLive(prefix: string, teardown: () => void): void {
  live.set(prefix, teardown);
  installHandlers();
}

export function unregisterLive(prefix: string): void {
  live.delete(prefix);
  if (live.size === 0) uninstallHandlers();
}
