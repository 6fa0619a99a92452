// Store logic written once for both backends. better-sqlite3 answers synchronously and must run a
// transaction's body synchronously; pg answers with promises. A generator that yields each statement's
// result (`yield* q(stmt.get(…))`) runs under either driver: runSync feeds values straight back (inside a
// better-sqlite3 transaction), runAsync awaits them first (inside a pg transaction).
//
// Every statement call in a step function must go through q(): an unyielded call would return an
// unawaited promise on PostgreSQL. pg-db.ts refuses to commit while one is still in flight.

export type Step<T> = Generator<unknown, T, unknown>;

/** Yields a statement's result and returns it resolved, typed as the synchronous statement's result. */
export function* q<T>(value: T | Promise<T>): Generator<unknown, T, unknown> {
  return (yield value) as T;
}

export function runSync<T>(step: Step<T>): T {
  let r = step.next();
  while (!r.done) {
    if (r.value instanceof Promise) throw new Error('a synchronous store step was given a promise');
    r = step.next(r.value);
  }
  return r.value;
}

export async function runAsync<T>(step: Step<T>): Promise<T> {
  let r = step.next();
  while (!r.done) {
    let value: unknown;
    try {
      value = await r.value;
    } catch (err) {
      r = step.throw(err);
      continue;
    }
    r = step.next(value);
  }
  return r.value;
}
