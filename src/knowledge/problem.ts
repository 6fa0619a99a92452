// A finding about vendor-db itself, reported like recog_verify: `file:line: FAIL message`.
// `file` is relative to the vendor-db directory; `item` names the entry the problem belongs to
// (the label test/vendor-db.test.ts uses as a test name), and is absent for file-level problems.

export type ProblemLevel = 'FAIL' | 'WARN';

export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly level: ProblemLevel;
  readonly message: string;
  readonly item?: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}: ${p.level} ${p.message}`;
}

export function fails(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.level === 'FAIL');
}

/** Labels of the checked entries, shared by the verifier and the generated tests. */
export const itemLabel = {
  source: (id: string) => `sources.yaml › ${id}`,
  entity: (id: string) => `entities.yaml › ${id}`,
  notRelated: (org: string) => `not-related.yaml › ${org}`,
  relabel: (brand: string, builtBy: string) => `relabels.yaml › ${brand} → ${builtBy}`,
  list: (file: string) => file,
  row: (file: string, ref: string) => `${file} › ${ref}`,
  fingerprint: (file: string, id: string) => `${file} › ${id}`,
  example: (file: string, id: string, value: string) => `${file} › ${id} › ${JSON.stringify(value)}`,
};
