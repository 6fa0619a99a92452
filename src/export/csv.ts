// CSV export (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote, CR or LF). Device
// strings come from hostile networks, so a cell a spreadsheet would run as a formula is defused with a
// leading apostrophe (OWASP "CSV Injection").
import type { ExportDevice, ExportDocument } from '../core/types.js';
import { EXPORT_COLUMNS, exportRow } from './row.js';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One header row, always, then one row per device. Every record ends in CRLF. */
export function toCsv(doc: ExportDocument): string {
  return [...csvRecords(doc.devices)].join('');
}

/** toCsv one record at a time, so an export can be written while its devices are still being read. */
export function* csvRecords(devices: Iterable<ExportDevice>): Generator<string> {
  yield `${EXPORT_COLUMNS.map(csvCell).join(',')}\r\n`;
  for (const device of devices) {
    const row = exportRow(device);
    yield `${EXPORT_COLUMNS.map((column) => csvCell(row[column])).join(',')}\r\n`;
  }
}

export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
