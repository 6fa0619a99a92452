// One PostgreSQL connection dressed as the part of better-sqlite3 the store's queries use (prepare → get,
// all, run, pluck), but async. The SQLite modules' prepare functions take it in place of their Database,
// so both backends run the same statement texts (pg-dialect.ts rewrites the parameters).
import pg from 'pg';
import { StoreError, errorMessage } from '../core/errors.js';
import { bind, toPgQuery } from './pg-dialect.js';
import { redactUrl } from './pg-url.js';
import { runAsync, type Step } from './steps.js';

/** Serialization failure and deadlock: the transaction is safe to run again from the start. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 8;
/** Prepared statements kept per connection; texts beyond this run unnamed. */
const MAX_NAMED = 500;

/** Counts come back as int8; every id and count camaudit stores fits a JS number. */
const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

export interface RunResult {
  readonly changes: number;
  readonly lastInsertRowid: number;
}

export class PgStatement {
  readonly #db: PgDb;
  readonly #sql: string;
  #pluck = false;

  constructor(db: PgDb, sql: string) {
    this.#db = db;
    this.#sql = sql;
  }

  pluck(): this {
    this.#pluck = true;
    return this;
  }

  async all(...args: unknown[]): Promise<unknown[]> {
    const res = await this.#db.query(this.#sql, args);
    return this.#pluck ? res.rows.map((r) => Object.values(r as object)[0]) : res.rows;
  }

  async get(...args: unknown[]): Promise<unknown> {
    return (await this.all(...args))[0];
  }

  async run(...args: unknown[]): Promise<RunResult> {
    const res = await this.#db.query(this.#sql, args);
    const id = toPgQuery(this.#sql).returnsId ? Number((res.rows[0] as { id: number } | undefined)?.id ?? 0) : 0;
    return { changes: res.rowCount ?? 0, lastInsertRowid: id };
  }
}

export class PgDb {
  readonly #client: pg.Client;
  readonly url: string;
  #inFlight = 0;
  readonly #named = new Map<string, string>();
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(client: pg.Client, url: string) {
    this.#client = client;
    this.url = url;
  }

  /** Credentials come from the URL, PGPASSWORD or a pgpass file (pg reads both); TLS from sslmode & co. */
  static async connect(url: string): Promise<PgDb> {
    const client = new pg.Client({ connectionString: url, types, application_name: 'camaudit' });
    client.on('error', () => undefined); // a dropped connection surfaces on the next query instead of crashing
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw new StoreError(`cannot connect to ${redactUrl(url)}: ${oneLine(errorMessage(err))}`);
    }
    return new PgDb(client, url);
  }

  prepare(sql: string): PgStatement {
    return new PgStatement(this, sql);
  }

  /**
   * One statement. The store's statements are few and run thousands of times per scan, so each is a named
   * prepared statement, parsed and planned once per connection; `once` texts (built for one batch) are not.
   */
  async query(sql: string, args: readonly unknown[] = [], once = false): Promise<pg.QueryResult> {
    const { text, values } = bind(toPgQuery(sql), args);
    let name = once ? undefined : this.#named.get(text);
    if (!once && name === undefined && this.#named.size < MAX_NAMED) this.#named.set(text, (name = `camaudit_${this.#named.size}`));
    this.#inFlight++;
    try {
      return await this.#client.query(name === undefined ? { text, values } : { name, text, values });
    } finally {
      this.#inFlight--;
    }
  }

  /** Raw SQL with several statements and no parameters (migrations). */
  async exec(sql: string): Promise<void> {
    await this.#client.query(sql);
  }

  /**
   * Runs fn in a transaction, one at a time per connection. A serialization failure or deadlock (another
   * sensor won) rolls back and runs fn again with backoff; anything else rolls back and is thrown.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.serial(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.#client.query('BEGIN');
          const out = await fn();
          // A statement nobody awaited (a step that skipped q()) would otherwise fail after the commit, unseen.
          if (this.#inFlight > 0) throw new Error('a store statement was not awaited inside its transaction');
          await this.#client.query('COMMIT');
          return out;
        } catch (err) {
          await this.#client.query('ROLLBACK').catch(() => undefined);
          const code = (err as { code?: string }).code;
          if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw err;
          await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
        }
      }
    });
  }

  /** Queues fn behind every earlier serial()/transaction() call on this connection (never nest them). */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn, fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** A read-only step (steps.ts), queued like every other use of the connection. */
  read<T>(step: Step<T>): Promise<T> {
    return this.serial(() => runAsync(step));
  }

  /**
   * A writing step in a transaction, after taking the advisory lock `lock` (SQL arguments of
   * pg_advisory_xact_lock, with @name bound to `name`). `make` gives a fresh step per attempt.
   */
  write<T>(make: () => Step<T>, lock?: { readonly key: string; readonly name?: string }): Promise<T> {
    return this.transaction(async () => {
      if (lock) await this.query(`SELECT pg_advisory_xact_lock(${lock.key})`, lock.name === undefined ? [] : [{ name: lock.name }]);
      return runAsync(make());
    });
  }

  /**
   * One query's rows, `batch` at a time, through a cursor in a read-only transaction of its own: the server sorts
   * once and keeps the snapshot, and only a batch is ever in memory here. Holds the connection (every other use
   * waits) until the iteration ends or is abandoned.
   */
  async *cursor(sql: string, args: readonly unknown[], batch = 1000): AsyncGenerator<unknown[]> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await new Promise<void>((start) => void this.serial(() => (start(), held)));
    let open = false;
    try {
      await this.#client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      const { text, values } = bind(toPgQuery(sql), args);
      await this.#client.query({ text: `DECLARE camaudit_rows NO SCROLL CURSOR FOR ${text}`, values });
      for (;;) {
        const { rows } = await this.#client.query(`FETCH ${batch} FROM camaudit_rows`);
        if (rows.length > 0) yield rows;
        if (rows.length < batch) break;
      }
      open = false;
      await this.#client.query('COMMIT');
    } finally {
      if (open) await this.#client.query('ROLLBACK').catch(() => undefined);
      release();
    }
  }

  async close(): Promise<void> {
    await this.#client.end().catch(() => undefined);
  }
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
