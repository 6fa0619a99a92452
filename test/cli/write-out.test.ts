// writeFile encodes the chunks into buffers as they come: the file must hold exactly their UTF-8, whatever their
// sizes and wherever a buffer fills (multi-byte characters and surrogate pairs near the boundary included).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeFile } from '../../src/cli/write-out.js';
import { useTempDir } from '../store/temp.js';

const newDir = useTempDir();

async function* each(chunks: string[]): AsyncGenerator<string> {
  yield* chunks;
}

describe('writeFile', () => {
  it('writes the UTF-8 of every chunk in order, small, buffer-sized and larger than a buffer', async () => {
    const line = (i: number) => `{"ip":"198.18.0.${i & 255}","evidence":"oui → hikvision 📷 é"}\n`;
    const chunks = [
      ...Array.from({ length: 3000 }, (_, i) => line(i)),
      'x'.repeat(70_000),
      '→'.repeat(30_000),
      '',
      ...Array.from({ length: 500 }, (_, i) => '📷'.repeat(i)),
    ];
    const file = `${newDir()}/out.ndjson`;
    await writeFile(file, each(chunks));
    expect(readFileSync(file).equals(Buffer.from(chunks.join('')))).toBe(true);
  });

  it('writes an empty file for no text', async () => {
    const file = `${newDir()}/empty.txt`;
    await writeFile(file, each(['', '']));
    expect(readFileSync(file, 'utf8')).toBe('');
  });
});
