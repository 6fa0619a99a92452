// Three tiers of failure (see README "Errors"): network trouble is a ProbeStatus, never an exception;
// bad user input is a UsageError (one line naming the bad value, exit 2); anything else is a bug (exit 1).

export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** Raised by protocol parsers; the source boundary turns it into a `protocol-error` status. */
export class ParseError extends Error {
  override readonly name = 'ParseError';
}

/** A probe tried to reach an address outside the scan's targets. The network edge refuses it. */
export class ScopeError extends Error {
  override readonly name = 'ScopeError';
}

/** The database cannot be used (not ours, newer schema, locked). Reported on one line, exit 1. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly exitCode = 1;
}

/** Outside data camaudit was asked to take in (an IEEE registry download) is unusable; nothing was changed. One line, exit 1. */
export class DataError extends Error {
  override readonly name = 'DataError';
  readonly exitCode = 1;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
