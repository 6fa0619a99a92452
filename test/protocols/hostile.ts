// Shared helpers for protocol tests: fixture loading and generated hostile inputs.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { ParseError } from '../../src/core/errors.js';

export function fixture(relPath: string): string {
  return readFileSync(new URL(`../fixtures/${relPath}`, import.meta.url), 'utf8');
}

/** Deterministic PRNG (mulberry32) so a failing split or mutation can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Run `fn`; it may return anything, but the only exception it may throw is ParseError. */
export function onlyParseError(fn: () => unknown, label: string): 'ok' | 'parse-error' {
  try {
    fn();
    return 'ok';
  } catch (err) {
    expect(err, `${label}: ${String(err)}`).toBeInstanceOf(ParseError);
    return 'parse-error';
  }
}

export function expectParseError(fn: () => unknown, pattern?: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ParseError);
  if (pattern) expect((caught as Error).message).toMatch(pattern);
}

/** Single-character edits at random places: deletions, duplications and XML-significant insertions. */
export function mutations(text: string, count: number, seed: number): string[] {
  const next = rng(seed);
  const specials = ['<', '>', '&', '"', "'", '/', '=', '\0', '\uFFFD', ']]>', '<!--', '&#0;', '&#xD800;', '<!DOCTYPE x>'];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const i = Math.floor(next() * text.length);
    const op = Math.floor(next() * 3);
    const s = specials[Math.floor(next() * specials.length)]!;
    if (op === 0) out.push(text.slice(0, i) + text.slice(i + 1));
    else if (op === 1) out.push(text.slice(0, i) + text.slice(i, i + 1).repeat(2) + text.slice(i + 1));
    else out.push(text.slice(0, i) + s + text.slice(i));
  }
  return out;
}

export function randomBytesText(length: number, seed: number): string {
  const next = rng(seed);
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(next() * 256);
  return bytes.toString('utf8');
}

export const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol4;</lolz>`;

export const XXE = `<?xml version="1.0"?>
<!DOCTYPE foo [ <!ELEMENT foo ANY > <!ENTITY xxe SYSTEM "file:///etc/passwd" >]>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><foo>&xxe;</foo></s:Body></s:Envelope>`;
