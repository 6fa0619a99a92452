// Property-based checks for wire parsers (fast-check): seeded with real fixtures, then truncated, spliced,
// duplicated and sprinkled with XML/HTTP-significant bytes, plus plain random bytes. For every input a parser
// may return or throw ParseError, nothing else; it must not amplify (its result stays within a small multiple
// of its input, so no entity or repetition bomb); and it must answer quickly even at 20 MB.
// Deterministic by default; FC_SEED and FC_RUNS explore further: FC_SEED=$RANDOM FC_RUNS=20000 npx vitest run test/protocols/fuzz.test.ts
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { ParseError } from '../../src/core/errors.js';

export interface ParserCase {
  readonly name: string;
  /** Real inputs (fixtures) to mutate. */
  readonly seeds: readonly Buffer[];
  /** The parser under test; strings are decoded as UTF-8 first unless `binary`. */
  readonly parse: (input: string) => unknown;
  readonly binary?: (input: Buffer) => unknown;
}

/** A parser that takes text. */
export const text = (name: string, seeds: readonly Buffer[], parse: (input: string) => unknown): ParserCase => ({ name, seeds, parse });
/** A parser that takes bytes. */
export const bytes = (name: string, seeds: readonly Buffer[], parse: (input: Buffer) => unknown): ParserCase => ({
  name,
  seeds,
  parse: (s) => parse(Buffer.from(s, 'utf8')),
  binary: parse,
});

/** Every file of test/fixtures/<dir> (optionally only names ending in `ext`); [] when the directory does not exist yet. */
export function fixtures(dir: string, ext = ''): Buffer[] {
  const base = new URL(`../fixtures/${dir}/`, import.meta.url);
  let names: string[];
  try {
    names = readdirSync(base).filter((n) => n.endsWith(ext)).sort();
  } catch {
    return [];
  }
  return names.map((n) => readFileSync(new URL(n, base)));
}

export const FC_PARAMS = {
  seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : 0x6a7,
  numRuns: process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 250,
};

const SPECIALS = [
  '<', '>', '&', '"', "'", '/', '=', ':', '\0', '\r\n', '\r\n\r\n', ']]>', '<!--', '-->', '<?xml version="1.0"?>',
  '<!DOCTYPE x [<!ENTITY e SYSTEM "http://198.18.64.200/x">]>', '&e;', '&#0;', '&#xD800;', '&amp;', '\uFFFD', '\u202E',
  'Content-Length: 99999999\r\n', 'WWW-Authenticate: ', 'realm="', '{"', '":', '[', ']', '}', '\\u0000', '__proto__', 'constructor',
].map((s) => Buffer.from(s, 'utf8'));

type Edit = (input: Buffer, seeds: readonly Buffer[]) => Buffer;

const at = (b: Buffer, n: number) => (b.length === 0 ? 0 : n % (b.length + 1));

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.nat().map((n): Edit => (b) => b.subarray(0, at(b, n))), // truncation
  fc.tuple(fc.nat(), fc.nat(64)).map(([n, len]): Edit => (b) => Buffer.concat([b.subarray(0, at(b, n)), b.subarray(at(b, n) + len)])),
  fc.tuple(fc.nat(), fc.nat(256)).map(([n, len]): Edit => (b) => {
    const i = at(b, n);
    return Buffer.concat([b.subarray(0, i + len), b.subarray(i)]); // duplicate a stretch
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...SPECIALS)).map(([n, s]): Edit => (b) => Buffer.concat([b.subarray(0, at(b, n)), s, b.subarray(at(b, n))])),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([n, r]): Edit => (b) => {
    const i = at(b, n);
    return Buffer.concat([b.subarray(0, i), Buffer.from(r), b.subarray(i + r.length)]); // overwrite with random bytes
  }),
  fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([k, n, m]): Edit => (b, seeds) => {
    const other = seeds[k % seeds.length] ?? b;
    return Buffer.concat([b.subarray(0, at(b, n)), other.subarray(at(other, m))]); // splice two captures
  }),
);

export function inputs(seeds: readonly Buffer[]): fc.Arbitrary<Buffer> {
  const mutated = seeds.length
    ? fc.tuple(fc.nat(seeds.length - 1), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([i, edits]) => edits.reduce((b, e) => e(b, seeds), seeds[i]!))
    : fc.constant(Buffer.alloc(0));
  const random = fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a));
  const tokens = fc.array(fc.constantFrom(...SPECIALS, Buffer.from('a'), Buffer.from(' ')), { maxLength: 200 }).map((parts) => Buffer.concat(parts));
  return fc.oneof({ arbitrary: mutated, weight: 6 }, { arbitrary: random, weight: 1 }, { arbitrary: tokens, weight: 1 });
}

/** Size of a result as the store would see it: strings and keys counted, buffers by length. */
export function resultSize(value: unknown, depth = 0): number {
  if (depth > 64) throw new Error('result nested deeper than 64 levels');
  if (typeof value === 'string') return value.length;
  if (value === null || typeof value !== 'object') return 8;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return value.length;
  if (value instanceof Date) return 24;
  let n = 2;
  for (const [k, v] of Object.entries(value)) n += k.length + resultSize(v, depth + 1);
  return n;
}

/** Runs one input: returns normally, or throws ParseError; anything else is a bug. Returns the result's size. */
export function runOnce(c: ParserCase, input: Buffer): number {
  let result: unknown;
  try {
    result = c.binary ? c.binary(input) : c.parse(input.toString('utf8'));
  } catch (err) {
    if (err instanceof ParseError) return 0;
    throw new Error(`${c.name} threw ${String(err)} (not a ParseError) on ${JSON.stringify(input.toString('latin1').slice(0, 200))}`);
  }
  return resultSize(result);
}

/** Allowed result size for an input: a few times its length (keys and structure), never a multiple of a multiple. */
export const allowance = (input: Buffer) => 4 * input.length + 4096;
