// The record-at-a-time exports (jsonChunks, ndjsonLines, csvRecords): exactly the bytes of the whole-document
// functions, and lazy, so a caller can write an export while its devices are still being read.
import { describe, expect, it } from 'vitest';
import type { ExportDevice } from '../../src/core/types.js';
import { csvRecords } from '../../src/export/csv.js';
import { jsonChunks, ndjsonLines, orderDevice } from '../../src/export/json.js';
import { aDocument, anExportDevice, flaggedHikvision } from './devices.js';

// Strings from the network: newlines, quotes, backslashes, separators and non-ASCII must not disturb the framing.
const hostile = anExportDevice({ ip: '198.18.0.66', model: 'line1\nline2 "q" \\ \u2028 ,;', firmware: '=cmd|x', conflicts: ['a\r\nb'] });

/** Yields `n` devices, then fails: a reader that consumed more than it wrote would throw before writing. */
function* thenFail(n: number): Generator<ExportDevice> {
  for (let i = 0; i < n; i++) yield anExportDevice({ ip: `198.18.1.${i + 1}` });
  throw new Error('read past what was written');
}

describe('streamed exports', () => {
  it.each([
    ['no devices', aDocument([])],
    ['one device', aDocument([flaggedHikvision])],
    ['several, hostile strings included', aDocument([flaggedHikvision, hostile, anExportDevice()])],
  ])('jsonChunks joined is JSON.stringify(document, null, 2) for %s', (_what, doc) => {
    const expected = `${JSON.stringify({ scan: doc.scan, devices: doc.devices.map(orderDevice) }, null, 2)}\n`;
    expect([...jsonChunks(doc)].join('')).toBe(expected);
  });

  it('ndjsonLines writes one parseable line per device', () => {
    const lines = [...ndjsonLines([flaggedHikvision, hostile])];
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(JSON.parse(lines[1]!)).toEqual(orderDevice(hostile));
  });

  it('csvRecords writes the header, then one record per device', () => {
    const records = [...csvRecords([flaggedHikvision, hostile])];
    expect(records).toHaveLength(3);
    expect(records[0]).toMatch(/^ip,mac,/);
    expect(records[2]).toContain(`,"line1\nline2 ""q"" \\ \u2028 ,;",'=cmd|x,`);
  });

  it('each yields a device\'s text before reading the next device', () => {
    const take = (g: Generator<string>, n: number) => Array.from({ length: n }, () => g.next().value as string);
    expect(take(jsonChunks({ scan: aDocument([]).scan, devices: thenFail(2) }), 3).join('')).toContain('"ip": "198.18.1.2"');
    expect(take(ndjsonLines(thenFail(2)), 2)[1]).toContain('198.18.1.2');
    expect(take(csvRecords(thenFail(2)), 3)[2]).toMatch(/^198\.18\.1\.2,/);
  });
});
