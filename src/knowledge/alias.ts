// Brand strings as devices report them ("HIKVISION DS-2CD2385G1-I", "CP_PLUS", "IntelBras") resolved to
// entity ids through the aliases in vendor-db/entities.yaml. Matching is whole-string or whole-word prefix
// after normalisation, never substring: "Shanghai Dahua Scale Factory" must not become dahua, and
// "ZTEC Instruments" must not become zte.
import type { Knowledge } from './types.js';

const WORD_CHAR = /[\p{L}\p{N}]/u;
const EDGE_PUNCTUATION = /^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$/gu;

/** Lower-case; `_`, `-` and `%20` become spaces; whitespace collapsed; punctuation trimmed from both ends. */
export function normalizeAlias(text: string): string {
  return text
    .normalize('NFKC') // full-width forms and non-breaking spaces, as some firmware writes them
    .replace(/%20/gi, ' ')
    .toLowerCase()
    .replace(/[_-]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(EDGE_PUNCTUATION, '');
}

/**
 * The entity whose alias is the longest match for `raw`: the whole normalised string, or a prefix of it
 * that ends at a word boundary ("ic realtime ipc" → alias "ic realtime"). Null when nothing matches.
 */
export function resolveBrand(knowledge: Pick<Knowledge, 'aliasToEntity'>, raw: string): string | null {
  const text = normalizeAlias(raw);
  if (text === '') return null;
  const exact = knowledge.aliasToEntity.get(text);
  if (exact !== undefined) return exact;
  for (let end = text.length - 1; end > 0; end--) {
    // A prefix ends where a word character is followed by a non-word character.
    if (WORD_CHAR.test(text[end]!) || !WORD_CHAR.test(text[end - 1]!)) continue;
    const id = knowledge.aliasToEntity.get(text.slice(0, end));
    if (id !== undefined) return id;
  }
  return null;
}
