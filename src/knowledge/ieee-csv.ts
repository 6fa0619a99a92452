// The IEEE Registration Authority's public CSV exports (MA-L oui.csv, MA-M mam.csv, MA-S oui36.csv, IAB
// iab.csv): `Registry,Assignment,Organization Name,Organization Address`, RFC 4180 quoting, one row per
// assignment. A download can be cut short and a format can change, so a file is accepted whole or not at
// all: any malformed row, a truncated end or too few rows rejects it, and the caller keeps the data it had.

export type IeeeRegistry = 'MA-L' | 'MA-M' | 'MA-S' | 'IAB';
export const IEEE_REGISTRIES: readonly IeeeRegistry[] = ['MA-L', 'MA-M', 'MA-S', 'IAB'];

/** Hex digits of an assignment: 24, 28 and 36 bits. IAB blocks are 36-bit, like MA-S. */
export const ASSIGNMENT_LENGTH: Readonly<Record<IeeeRegistry, number>> = { 'MA-L': 6, 'MA-M': 7, 'MA-S': 9, IAB: 9 };

/** Where each registry is published, relative to https://standards-oui.ieee.org (the file name is also what `--from DIR` looks for). */
export const IEEE_PATHS: Readonly<Record<IeeeRegistry, string>> = {
  'MA-L': '/oui/oui.csv',
  'MA-M': '/oui28/mam.csv',
  'MA-S': '/oui36/oui36.csv',
  IAB: '/iab/iab.csv',
};

export const IEEE_HEADER = ['Registry', 'Assignment', 'Organization Name', 'Organization Address'] as const;

/**
 * Fewer rows than this means a truncated or placeholder file. The registries only grow (August 2022: MA-L
 * 32,527, MA-M 4,390, MA-S 5,029; 2026: ~40,000, ~6,600, ~7,200; IAB is closed at 4,575), so the floors sit
 * below any recent size. registry-update.ts also refuses a file much smaller than the registry in use.
 */
export const MIN_ROWS: Readonly<Record<IeeeRegistry, number>> = { 'MA-L': 30_000, 'MA-M': 4_000, 'MA-S': 4_500, IAB: 4_000 };

export interface IeeeAssignment {
  readonly prefix: string; // upper-case hex, 6, 7 or 9 characters
  readonly org: string; // organisation name as registered, trimmed (HTML entities kept, as oui-data keeps them)
}

export interface IeeeFile {
  readonly registry: IeeeRegistry;
  readonly assignments: readonly IeeeAssignment[];
  readonly duplicates: number; // rows repeating an earlier assignment (the first one is kept)
}

/** A file that cannot be used; `line` is the 1-based line of the offending row. */
export class IeeeFormatError extends Error {
  override readonly name = 'IeeeFormatError';
  constructor(readonly file: string, readonly line: number, readonly problem: string) {
    super(`${file}:${line}: ${problem}`);
  }
}

interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

const UNQUOTED = /[^,\n]*/y;
const HEX = /^[0-9A-Fa-f]+$/;

/**
 * RFC 4180 records with the line each starts on. `open` is true when the text ends inside a quoted field.
 * Records end at LF or CRLF; quoted fields may hold either (real MA-S rows carry a newline in the address).
 */
export function parseCsv(text: string): { records: CsvRecord[]; open: boolean; endsWithNewline: boolean } {
  const records: CsvRecord[] = [];
  let open = false;
  let line = 1;
  let i = 0;
  // Scans with indexOf and a sticky regex, not character by character: oui.csv is ~4 MB.
  const unquoted = (): string => {
    UNQUOTED.lastIndex = i;
    const m = UNQUOTED.exec(text)![0];
    i += m.length;
    return m;
  };
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) {
            value += text.slice(i);
            i = text.length;
            open = true;
            break;
          }
          value += text.slice(i, q);
          if (text[q + 1] === '"') {
            value += '"';
            i = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        for (let at = value.indexOf('\n'); at !== -1; at = value.indexOf('\n', at + 1)) line++;
        value += unquoted(); // text after a closing quote is kept, not dropped
      } else value = unquoted();
      const last = text[i] !== ',';
      fields.push(last && value.endsWith('\r') ? value.slice(0, -1) : value); // the CR of a CRLF
      if (!last) {
        i++;
        continue;
      }
      break;
    }
    records.push({ line: start, fields });
    if (text[i] === '\n') {
      i++;
      line++;
    }
  }
  return { records, open, endsWithNewline: text.endsWith('\n') };
}

export interface ValidateOptions {
  /** The registry this file must hold (from its URL or file name), or null to take it from the first row. */
  readonly registry: IeeeRegistry | null;
  readonly minRows?: Readonly<Record<IeeeRegistry, number>>;
}

/** Parses and checks one IEEE CSV; throws IeeeFormatError naming the first problem. `file` names it in messages. */
export function readIeeeCsv(file: string, raw: string, opts: ValidateOptions): IeeeFile {
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  if (text.trim() === '') throw new IeeeFormatError(file, 1, 'the file is empty');
  const { records, open, endsWithNewline } = parseCsv(text);
  const header = records[0]!;
  if (header.fields.length !== IEEE_HEADER.length || header.fields.some((f, i) => f.trim() !== IEEE_HEADER[i])) {
    throw new IeeeFormatError(file, 1, `header is not "${IEEE_HEADER.join(',')}": not an IEEE registry CSV`);
  }
  const last = records.at(-1)!;
  if (open) throw new IeeeFormatError(file, last.line, 'truncated: the file ends inside a quoted field');

  let registry = opts.registry;
  const seen = new Set<string>();
  const assignments: IeeeAssignment[] = [];
  let duplicates = 0;
  for (const record of records.slice(1)) {
    if (record.fields.length === 1 && record.fields[0]!.trim() === '') continue; // a blank line
    const incomplete = record === last && !endsWithNewline;
    const fail = (problem: string): never => {
      throw new IeeeFormatError(file, record.line, incomplete ? `truncated: the last row is incomplete (${problem})` : problem);
    };
    if (record.fields.length !== IEEE_HEADER.length) fail(`expected ${IEEE_HEADER.length} fields, found ${record.fields.length}`);
    const [kind, assignment, name] = record.fields.map((f) => f.trim()) as [string, string, string];
    if (registry === null) {
      if (!(IEEE_REGISTRIES as readonly string[]).includes(kind)) fail(`unknown registry ${JSON.stringify(kind)}`);
      registry = kind as IeeeRegistry;
    }
    if (kind !== registry) fail(`registry ${JSON.stringify(kind)} in a ${registry} file`);
    const length = ASSIGNMENT_LENGTH[registry];
    if (assignment.length !== length || !HEX.test(assignment)) fail(`assignment ${JSON.stringify(assignment)} is not ${length} hex digits`);
    if (name === '') fail(`assignment ${assignment} has no organisation name`);
    const prefix = assignment.toUpperCase();
    if (seen.has(prefix)) {
      duplicates++;
      continue;
    }
    seen.add(prefix);
    assignments.push({ prefix, org: name });
  }
  if (registry === null) throw new IeeeFormatError(file, 2, 'no rows after the header');
  const min = (opts.minRows ?? MIN_ROWS)[registry];
  if (assignments.length < min) {
    throw new IeeeFormatError(file, last.line, `only ${assignments.length} ${registry} rows; the published registry has at least ${min} (truncated download?)`);
  }
  return { registry, assignments, duplicates };
}
