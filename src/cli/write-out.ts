// Writing an export while it is made: pieces gathered into large writes, and nothing more asked of the reader
// while the stream's buffer is full (until 'drain'), so memory holds a buffer rather than the whole document.
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { UsageError } from '../core/errors.js';

const WRITE_AT = 64 * 1024;
/** UTF-8 bytes of one UTF-16 code unit at most (a surrogate pair is 4 bytes for 2 units). */
const MAX_UTF8_PER_UNIT = 3;

/** The output stream failed, as opposed to whatever produced the chunks (the store). */
class OutputError extends Error {
  constructor(readonly reason: NodeJS.ErrnoException) {
    super(reason.message);
  }
}

/** Writes the chunks to stdout. A reader that has gone (`| head`: EPIPE) ends the export quietly: it read what it wanted. */
export async function writeStdout(chunks: AsyncIterable<string>): Promise<void> {
  // The last write's EPIPE can arrive after writing ended; without a listener it would crash the process.
  if (!process.stdout.listeners('error').includes(ignoreEpipe)) process.stdout.on('error', ignoreEpipe);
  try {
    await writeAll(process.stdout, chunks);
  } catch (err) {
    if (!(err instanceof OutputError && err.reason.code === 'EPIPE')) throw err;
  }
}

function ignoreEpipe(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
}

/**
 * Writes the chunks to a file; a file that cannot be written is the user's to fix (UsageError). A regular file
 * is written beside its name and renamed into place at the end, so an export that fails half-way (the store
 * went away) leaves neither half a report nor a lost earlier one. Anything else (a FIFO, /dev/stdout) is
 * written directly.
 */
export async function writeFile(path: string, chunks: AsyncIterable<string>): Promise<void> {
  const direct = isSpecialFile(path);
  const temp = direct ? path : `${path}.partial-${process.pid}`;
  const out = createWriteStream(temp);
  try {
    await settled(out, 'open');
    await writeAll(out, chunks);
    out.end();
    await settled(out, 'finish');
    if (!direct) renameSync(temp, path);
  } catch (err) {
    out.destroy();
    if (!direct) rmSync(temp, { force: true });
    if (!(err instanceof OutputError)) throw err;
    throw new UsageError(`cannot write ${JSON.stringify(path)}: ${err.reason.code ?? err.message}`);
  }
}

function isSpecialFile(path: string): boolean {
  try {
    return !statSync(path).isFile();
  } catch {
    return false; // not there yet: it will be a regular file
  }
}

/** The stream's `event`, or its error as an OutputError. */
async function settled(out: Writable, event: string): Promise<void> {
  try {
    await once(out, event); // rejects when 'error' comes first
  } catch (err) {
    throw new OutputError(err as NodeJS.ErrnoException);
  }
}

async function writeAll(out: Writable, chunks: AsyncIterable<string>): Promise<void> {
  let failed: NodeJS.ErrnoException | null = null;
  const onError = (err: NodeJS.ErrnoException): void => void (failed ??= err);
  out.on('error', onError);
  const flush = async (bytes: Buffer): Promise<void> => {
    if (failed) throw new OutputError(failed);
    if (bytes.length > 0 && !out.write(bytes)) await settled(out, 'drain');
  };
  // Chunks are encoded into a buffer as they come: a 64 KiB string joined from many pieces, once it holds a
  // character beyond Latin-1 (an evidence arrow), took about fifteen times longer to encode as a whole.
  let buffer = Buffer.allocUnsafe(WRITE_AT);
  let used = 0;
  try {
    for await (const chunk of chunks) {
      if (used + MAX_UTF8_PER_UNIT * chunk.length > WRITE_AT && used > 0) {
        await flush(buffer.subarray(0, used));
        buffer = Buffer.allocUnsafe(WRITE_AT); // the stream may still hold the last one
        used = 0;
      }
      if (MAX_UTF8_PER_UNIT * chunk.length > WRITE_AT) await flush(Buffer.from(chunk));
      else used += buffer.write(chunk, used);
    }
    await flush(buffer.subarray(0, used));
  } finally {
    out.off('error', onError);
  }
}
