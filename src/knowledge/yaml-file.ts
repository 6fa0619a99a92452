// Reads one vendor-db YAML file and keeps its source positions, so every problem can say `file:line`.
import { readFileSync } from 'node:fs';
import type { Document, LineCounter } from 'yaml';
import { lazyRequire } from '../core/lazy-require.js';
import type { Problem } from './problem.js';

// A command answered from the knowledge snapshot never reads YAML, and loading the package costs ~50 ms.
const yaml = lazyRequire<typeof import('yaml')>('yaml');

export type YamlPath = readonly (string | number)[];

export interface YamlFile {
  readonly file: string; // relative to the vendor-db directory
  readonly data: unknown; // plain JS value; undefined when the file could not be parsed
  /** Line (1-based) of the node at `path`, or of its nearest existing ancestor. */
  lineOf(path: YamlPath): number;
}

export function readYamlFile(absolutePath: string, file: string, problems: Problem[]): YamlFile {
  let text: string;
  try {
    text = readFileSync(absolutePath, 'utf8');
  } catch (err) {
    problems.push({ file, line: 1, level: 'FAIL', message: `cannot read: ${(err as Error).message}` });
    return { file, data: undefined, lineOf: () => 1 };
  }
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  for (const error of doc.errors) {
    const line = lineCounter.linePos(error.pos[0]).line;
    problems.push({ file, line, level: 'FAIL', message: `YAML: ${error.message.split('\n')[0]}` });
  }
  const lineOf = (path: YamlPath): number => nodeLine(doc, lineCounter, path);
  if (doc.errors.length > 0) return { file, data: undefined, lineOf };
  return { file, data: doc.toJS({ maxAliasCount: 100 }) as unknown, lineOf };
}

function nodeLine(doc: Document, lineCounter: LineCounter, path: YamlPath): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (yaml().isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return 1;
}
