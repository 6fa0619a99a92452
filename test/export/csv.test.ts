import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../src/export/csv.js';
import { EXPORT_COLUMNS } from '../../src/export/row.js';
import { aDocument, anExportDevice, flaggedHikvision } from './devices.js';

const HEADER = EXPORT_COLUMNS.join(',') + '\r\n';

describe('toCsv', () => {
  it('writes only the header row when there are no devices', () => {
    expect(toCsv(aDocument([]))).toBe(HEADER);
  });

  it('ends every record with CRLF and has one record per device', () => {
    const csv = toCsv(aDocument([flaggedHikvision, anExportDevice()]));
    expect(csv.startsWith(HEADER)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replaceAll('\r\n', '').includes('\n')).toBe(false);
    expect(csv.split('\r\n')).toHaveLength(4); // header, two devices, and the empty string after the last CRLF
  });

  it('writes an unflagged, unidentified device as mostly empty cells', () => {
    const line = toCsv(aDocument([anExportDevice()])).split('\r\n')[1];
    expect(line).toBe('198.18.0.1,,,,,,,,,,,unknown,,false,,,,,,,,,,,,,,,,,,,');
  });

  it('quotes only fields holding a comma, quote, CR or LF, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('Hangzhou Hikvision Digital Technology Co.,Ltd.')).toBe('"Hangzhou Hikvision Digital Technology Co.,Ltd."');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
  });

  it('defuses cells a spreadsheet would evaluate as formulas', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('a=b')).toBe('a=b'); // only the first character matters
  });

  it('defuses hostile strings coming from a device', () => {
    const csv = toCsv(aDocument([anExportDevice({ model: '=cmd|\' /C calc\'!A0', firmware: '@x', serial: '-1' })]));
    const cells = csv.split('\r\n')[1]?.split(',');
    expect(cells?.slice(8, 11)).toEqual(["'=cmd|' /C calc'!A0", "'@x", "'-1"]);
  });
});
