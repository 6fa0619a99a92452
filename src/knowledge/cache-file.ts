// Files derived from others so that a command starts faster next time (the knowledge snapshot, the MAC index).
// Each is checked against what it was derived from when read, so writing one is best effort.
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes `data` beside `path` and renames it into place: a concurrent reader sees the old file or the new one.
 * No fsync, and no error: a directory we may not write to (installed for root, run as a user) just stays slow.
 */
export function saveCacheFile(path: string, data: string | Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch {
    rmSync(tmp, { force: true });
  }
}
