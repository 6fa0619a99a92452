// Synchronous, on-first-use loading of a CommonJS package, for dependencies only some runs of a command need:
// an `import` at the top would load them (tens of milliseconds each) before every command starts.
import { createRequire } from 'node:module';

export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= createRequire(import.meta.url)(id) as T);
}
