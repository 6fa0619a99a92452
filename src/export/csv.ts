// CSV export (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote, CR or LF). Device
// strings come from hostile networks, so a cell a spreadsheet would run as a formula is defused with a
// leading apostrophe (OWASP "CSV Injection").
import type { ExportDocument } from '../core/types.js';
import { EXPORT_COLUMNS, exportRow } from './row.js';
import { writeAll, type DeviceWriter } from './writer.js';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One header row, always, then one row per device. Every record ends in CRLF. */
export function toCsv(doc: ExportDocument): string {
  return writeAll(csvWriter(), doc.devices);
}

export function csvWriter(): DeviceWriter {
  return {
    head: `${EXPORT_COLUMNS.map(csvCell).join(',')}\r\n`,
    device(d) {
      const row = exportRow(d);
      return `${EXPORT_COLUMNS.map((column) => csvCell(row[column])).join(',')}\r\n`;
    },
    tail: () => '',
  };
}

export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
