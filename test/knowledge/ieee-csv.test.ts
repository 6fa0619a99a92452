// The IEEE CSV reader on real published rows (test/fixtures/ieee, SOURCES.md) and on damaged copies of them.
import { describe, expect, it } from 'vitest';
import { IeeeFormatError, parseCsv, readIeeeCsv, type IeeeRegistry } from '../../src/knowledge/ieee-csv.js';
import { fixture } from './ieee-samples.js';

const SMALL: Record<IeeeRegistry, number> = { 'MA-L': 1, 'MA-M': 1, 'MA-S': 1, IAB: 1 };
const read = (name: string, text: string, registry: IeeeRegistry | null) => readIeeeCsv(name, text, { registry, minRows: SMALL });

function rejection(name: string, text: string, registry: IeeeRegistry | null): IeeeFormatError {
  try {
    read(name, text, registry);
  } catch (err) {
    if (err instanceof IeeeFormatError) return err;
    throw err;
  }
  throw new Error(`${name} was accepted`);
}

describe('parseCsv', () => {
  it('reads CRLF records, doubled quotes and a quoted line break, with the line each record starts on', () => {
    const { records, open, endsWithNewline } = parseCsv(fixture('oui36-sample.csv'));
    expect(open).toBe(false);
    expect(endsWithNewline).toBe(true);
    const multi = records.find((r) => r.fields[1] === '8C1F64A60')!;
    expect(multi.fields).toEqual(['MA-S', '8C1F64A60', 'Active Optical Systems, LLC', '9019 Washington Street Northeast\nSuite B-2 Albuquerque NM US 87113 ']);
    const next = records[records.indexOf(multi) + 1]!;
    expect(next.line).toBe(multi.line + 2); // the quoted LF is a line of the file
    expect(next.fields[2]).toBe('Leo Bodnar Electronics Ltd');
  });

  it('says when the text ends inside a quoted field', () => {
    expect(parseCsv('a,"b\r\nc').open).toBe(true);
    expect(parseCsv('a,"b""c"\r\n').records[0]!.fields).toEqual(['a', 'b"c']);
  });
});

describe('readIeeeCsv on real rows', () => {
  it('reads the MA-L sample: names as registered, quotes undone, HTML entities kept as oui-data keeps them', () => {
    const file = read('oui.csv', fixture('oui-sample.csv'), 'MA-L');
    const org = (prefix: string) => file.assignments.find((a) => a.prefix === prefix)?.org;
    expect(file.registry).toBe('MA-L');
    expect(org('2857BE')).toBe('Hangzhou Hikvision Digital Technology Co.,Ltd.');
    expect(org('3CEF8C')).toBe('Zhejiang Dahua Technology Co., Ltd.');
    expect(org('001EFC')).toBe('JSC "MASSA-K"');
    expect(org('001ECB')).toBe('"RPC "Energoautomatika" Ltd');
    expect(org('0026BD')).toBe('JTEC Card &amp; Communication Co., Ltd');
    expect(file.assignments.every((a) => /^[0-9A-F]{6}$/.test(a.prefix))).toBe(true);
  });

  it('reads the MA-M and MA-S samples and the whole IAB registry', () => {
    expect(read('mam.csv', fixture('mam-sample.csv'), 'MA-M').assignments).toContainEqual({ prefix: '402C761', org: 'Shanghai Dahua Scale Factory' });
    expect(read('oui36.csv', fixture('oui36-sample.csv'), 'MA-S').assignments).toContainEqual({ prefix: '70B3D5E3D', org: 'Leo Bodnar Electronics Ltd' });
    const iab = readIeeeCsv('iab.csv', fixture('iab.csv'), { registry: 'IAB' }); // real size: passes the real floor
    expect(iab.assignments).toHaveLength(4575);
    expect(iab.assignments).toContainEqual({ prefix: '0050C27D5', org: 'DEUTA-WERKE GmbH' });
  });

  it('takes the registry from the rows when the file name does not say (--from FILE)', () => {
    expect(read('download.csv', fixture('mam-sample.csv'), null).registry).toBe('MA-M');
  });

  it('accepts LF line ends, a byte-order mark and a missing final newline when the last row is whole', () => {
    const lf = fixture('oui-sample.csv').replaceAll('\r\n', '\n');
    expect(read('oui.csv', `\uFEFF${lf.trimEnd()}`, 'MA-L').assignments.length).toBe(read('oui.csv', fixture('oui-sample.csv'), 'MA-L').assignments.length);
  });

  it('counts a repeated assignment once', () => {
    const text = fixture('oui-sample.csv');
    const firstRow = text.split('\r\n')[1]!;
    const file = read('oui.csv', `${text}${firstRow}\r\n`, 'MA-L');
    expect(file.duplicates).toBe(1);
  });
});

describe('readIeeeCsv refuses', () => {
  const sample = fixture('oui-sample.csv');
  const lines = sample.split('\r\n');

  it('a file whose header is not the IEEE one (an HTML error page, another CSV)', () => {
    expect(rejection('oui.csv', '<html><body>Service Unavailable</body></html>\r\n', 'MA-L').message).toMatch(/^oui\.csv:1: header is not/);
    expect(rejection('oui.csv', sample.replace('Organization Name', 'Vendor'), 'MA-L').line).toBe(1);
  });

  it('an empty file', () => {
    expect(rejection('oui.csv', '', 'MA-L').problem).toMatch(/empty/);
  });

  it('a malformed row, naming its line', () => {
    const broken = [...lines.slice(0, 4), 'MA-L,00D0EF,IGT', ...lines.slice(5)].join('\r\n');
    const err = rejection('oui.csv', broken, 'MA-L');
    expect(err.line).toBe(5);
    expect(err.problem).toMatch(/expected 4 fields, found 3/);
  });

  it('an assignment that is not hex of the registry\'s length, or a row of another registry', () => {
    expect(rejection('oui.csv', sample.replace('MA-L,2857BE,', 'MA-L,2857BZ,'), 'MA-L').problem).toMatch(/"2857BZ" is not 6 hex digits/);
    expect(rejection('oui.csv', sample.replace('MA-L,2857BE,', 'MA-M,2857BE1,'), 'MA-L').problem).toMatch(/registry "MA-M" in a MA-L file/);
    expect(rejection('x.csv', sample.replace('MA-L,2857BE,', 'CID,2857BE,'), null).problem).toMatch(/registry "CID" in a MA-L file/);
  });

  it('a row without an organisation name', () => {
    expect(rejection('oui.csv', sample.replace('"Hangzhou Hikvision Digital Technology Co.,Ltd."', '""'), 'MA-L').problem).toMatch(/no organisation name/);
  });

  it('a file cut inside a quoted field', () => {
    const cut = sample.slice(0, sample.indexOf('No.1199,Waterfront') + 5);
    expect(rejection('oui.csv', cut, 'MA-L').problem).toMatch(/^truncated: the file ends inside a quoted field/);
  });

  it('a file cut in the middle of its last row', () => {
    const cut = sample.slice(0, sample.indexOf('MA-L,5CCF7F') + 'MA-L,5CCF7F,Espre'.length);
    const err = rejection('oui.csv', cut, 'MA-L');
    expect(err.problem).toMatch(/^truncated: the last row is incomplete/);
  });

  it('a complete-looking file with fewer rows than the registry has ever had', () => {
    const err = (() => {
      try {
        readIeeeCsv('oui.csv', sample, { registry: 'MA-L' });
      } catch (e) {
        return e as IeeeFormatError;
      }
      throw new Error('accepted');
    })();
    expect(err.problem).toMatch(/^only \d+ MA-L rows; the published registry has at least 30000/);
  });
});
