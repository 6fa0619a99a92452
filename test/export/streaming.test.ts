// The device-at-a-time writers (jsonWriter, jsonArrayWriter, ndjsonWriter, csvWriter): exactly the bytes of
// JSON.stringify and of the whole-document functions, and lazy, so a caller can write an export while its
// devices are still being read.
import { describe, expect, it } from 'vitest';
import type { ExportDevice } from '../../src/core/types.js';
import { csvWriter } from '../../src/export/csv.js';
import { jsonArrayWriter, jsonWriter, ndjsonWriter, orderDevice } from '../../src/export/json.js';
import { writeAll, writeChunks, type DeviceWriter } from '../../src/export/writer.js';
import { aDocument, anExportDevice, flaggedHikvision } from './devices.js';

// Strings from the network: newlines, quotes, backslashes, separators and non-ASCII must not disturb the framing.
const hostile = anExportDevice({ ip: '198.18.0.66', model: 'line1\nline2 "q" \\ \u2028 ,;', firmware: '=cmd|x', conflicts: ['a\r\nb'] });

/** Yields `n` devices, then fails: a reader that consumed more than it wrote would throw before writing. */
async function* thenFail(n: number): AsyncGenerator<ExportDevice> {
  for (let i = 0; i < n; i++) yield anExportDevice({ ip: `198.18.1.${i + 1}` });
  throw new Error('read past what was written');
}

describe('device-at-a-time writers', () => {
  it.each([
    ['no devices', aDocument([])],
    ['one device', aDocument([flaggedHikvision])],
    ['several, hostile strings included', aDocument([flaggedHikvision, hostile, anExportDevice()])],
  ])('jsonWriter is JSON.stringify(document, null, 2), jsonArrayWriter JSON.stringify(devices, null, 2), for %s', (_what, doc) => {
    const devices = doc.devices.map(orderDevice);
    expect(writeAll(jsonWriter(doc.scan), doc.devices)).toBe(`${JSON.stringify({ scan: doc.scan, devices }, null, 2)}\n`);
    expect(writeAll(jsonArrayWriter(), doc.devices)).toBe(`${JSON.stringify(devices, null, 2)}\n`);
  });

  it('ndjsonWriter writes one parseable line per device', () => {
    const lines = writeAll(ndjsonWriter(), [flaggedHikvision, hostile]).split(/(?<=\n)/);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(JSON.parse(lines[1]!)).toEqual(orderDevice(hostile));
  });

  it('csvWriter writes the header, then one record per device', () => {
    const w = csvWriter();
    expect(w.head).toMatch(/^ip,mac,/);
    expect(w.device(hostile)).toContain(`,"line1\nline2 ""q"" \\ \u2028 ,;",'=cmd|x,`);
  });

  it('writeChunks yields a device\'s text before reading the next device', async () => {
    const take = async (w: DeviceWriter, n: number) => {
      const g = writeChunks(w, thenFail(2));
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push((await g.next()).value as string);
      return out;
    };
    expect((await take(jsonWriter(aDocument([]).scan), 3)).join('')).toContain('"ip": "198.18.1.2"');
    expect((await take(ndjsonWriter(), 3))[2]).toContain('198.18.1.2');
    expect((await take(csvWriter(), 3))[2]).toMatch(/^198\.18\.1\.2,/);
  });
});
