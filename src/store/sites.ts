// Sites and sensors: where a scan was taken and which machine took it. Both default to the host name, so a
// single machine needs no flags and a fleet names its sites once per sensor (`--site`, `--sensor`).
import { hostname } from 'node:os';
import { UsageError } from '../core/errors.js';

export function defaultSite(): string {
  return hostname() || 'local';
}

/** A site or sensor name as given on the command line: printable, one line, at most 100 characters. */
export function parseSiteName(value: string, flag: string): string {
  const v = value.trim();
  // eslint-disable-next-line no-control-regex
  if (v.length === 0 || v.length > 100 || /[\u0000-\u001f\u007f]/.test(v)) {
    throw new UsageError(`invalid ${flag} ${JSON.stringify(value)}: expected a name of 1 to 100 printable characters`);
  }
  return v;
}

/**
 * Rows written before migration 5 have site ''. They were taken where this database lives, so the first
 * store to open it names them after this host: otherwise the next scan (site = host name) would not
 * recognise a single device it has seen before. Statements both backends read; run after migrating.
 */
export const BACKFILL_SITE_SQL = [
  "UPDATE scans SET site = @site WHERE site = ''",
  "UPDATE scans SET sensor = @site WHERE sensor = ''",
  "UPDATE assets SET site = @site WHERE site = ''",
] as const;
