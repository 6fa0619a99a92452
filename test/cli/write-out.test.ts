// writeFile encodes the chunks into buffers as they come: the file must hold exactly their UTF-8, whatever their
// sizes and wherever a buffer fills (multi-byte characters and surrogate pairs near the boundary included).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
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

  it('leaves an earlier file whole, and no partial one, when the chunks fail half-way', async () => {
    const dir = newDir();
    const file = `${dir}/report.csv`;
    writeFileSync(file, 'last week\r\n');
    async function* failing(): AsyncGenerator<string> {
      yield 'ip,mac\r\n'.repeat(20_000); // more than a buffer: some of it reached the disk
      throw new Error('the store went away');
    }
    await expect(writeFile(file, failing())).rejects.toThrow('the store went away');
    expect(readFileSync(file, 'utf8')).toBe('last week\r\n');
    expect(readdirSync(dir)).toEqual(['report.csv']);
  });
});
