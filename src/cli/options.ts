// Parsing and validating command-line values: each failure is a UsageError naming the bad value.
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../core/errors.js';

export function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d{1,9}$/.test(value) || Number(value) <= 0) throw new UsageError(`invalid ${name} ${JSON.stringify(value)}: expected a positive whole number`);
    return Number(value);
  };
}

export function oneOf<T extends string>(name: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`invalid ${name} ${JSON.stringify(value)}: expected one of ${allowed.join(', ')}`);
    return value as T;
  };
}

export function commaList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

export function repeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function defaultDbPath(): string {
  return process.env.CAMAUDIT_DB || './camaudit.db';
}

/** A secret from a file: first line, trailing newline removed. Never from a plain flag (shell history, ps). */
export function readSecretFile(path: string, what: string): string {
  try {
    if (!statSync(path).isFile()) throw new Error('not a regular file');
    const value = readFileSync(path, 'utf8').split(/\r?\n/)[0] ?? '';
    if (!value) throw new Error('it is empty');
    return value;
  } catch (err) {
    throw new UsageError(`cannot read ${what} from ${JSON.stringify(path)}: ${(err as Error).message}`);
  }
}
