// Errors of the namespace lab (topology validation has its own LabConfigError in topology.ts).

export class LabError extends Error {
  override readonly name: string = 'LabError';
}

/** startLab failed after it began creating namespaces; everything it created has been removed again. */
export class LabStartError extends LabError {
  override readonly name = 'LabStartError';
  constructor(
    readonly prefix: string,
    cause: unknown,
  ) {
    super(`lab ${prefix} failed to start (torn down again): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
