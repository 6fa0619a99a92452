// Parsing and validating command-line values: each failure is a UsageError naming the bad value.
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
