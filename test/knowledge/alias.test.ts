import { describe, expect, it } from 'vitest';
import { normalizeAlias, resolveBrand } from '../../src/knowledge/alias.js';
import { loadKnowledge } from '../../src/knowledge/load.js';

describe('normalizeAlias', () => {
  it('folds case, separators, %20, full-width forms and edge punctuation', () => {
    expect(normalizeAlias('CP_PLUS')).toBe('cp plus');
    expect(normalizeAlias('Hik-Vision')).toBe('hik vision');
    expect(normalizeAlias('Dahua%20Technology')).toBe('dahua technology');
    expect(normalizeAlias('ＨＩＫＶＩＳＩＯＮ')).toBe('hikvision');
    expect(normalizeAlias('  "Axis  Communications"\u00a0 ')).toBe('axis communications');
    expect(normalizeAlias(' -- ')).toBe('');
  });
});

describe('resolveBrand (vendor-db aliases)', () => {
  const k = loadKnowledge();

  it('matches an alias as the whole string', () => {
    expect(resolveBrand(k, 'Dahua')).toBe('dahua');
    expect(resolveBrand(k, 'IntelBras')).toBe('intelbras');
    expect(resolveBrand(k, 'CP_PLUS')).toBe('cp-plus');
  });

  it('matches an alias as a whole-word prefix, the longest first', () => {
    expect(resolveBrand(k, 'HIKVISION DS-2CD2385G1-I')).toBe('hikvision');
    expect(resolveBrand(k, 'Hikvision USA Inc.')).toBe('hikvision-usa');
    expect(resolveBrand(k, 'IC Realtime IPC-1234')).toBe('ic-realtime');
  });

  it('never matches a substring or a prefix that ends inside a word', () => {
    expect(resolveBrand(k, 'Shanghai Dahua Scale Factory')).toBeNull();
    expect(resolveBrand(k, 'ZTEC Instruments')).toBeNull();
    expect(resolveBrand(k, 'ZTEC Instruments, Inc.')).toBeNull();
    expect(resolveBrand(k, 'Dahuatech')).toBeNull();
    expect(resolveBrand(k, 'ANHUI WANZTEN P&T CO., LTD')).toBeNull();
  });

  it('resolves nothing from an empty or punctuation-only string', () => {
    expect(resolveBrand(k, '')).toBeNull();
    expect(resolveBrand(k, ' _ ')).toBeNull();
  });

  it('works on a bare alias index', () => {
    const index = { aliasToEntity: new Map([['acme', 'acme'], ['acme cam', 'acme-cam']]) };
    expect(resolveBrand(index, 'ACME CAM 2000')).toBe('acme-cam');
    expect(resolveBrand(index, 'Acme-Camera')).toBe('acme');
    expect(resolveBrand(index, 'Acmecam')).toBeNull();
  });
});
