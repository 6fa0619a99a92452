import { describe, expect, it } from 'vitest';
import type { ExportDevice } from '../../src/core/types.js';
import { toJson } from '../../src/export/json.js';
import { aDocument, anExportDevice, flaggedHikvision } from './devices.js';

describe('toJson', () => {
  it('is pretty-printed with a trailing newline and parses back to the document', () => {
    const doc = aDocument([flaggedHikvision, anExportDevice()]);
    const json = toJson(doc);
    expect(json.endsWith('}\n')).toBe(true);
    expect(json).toContain('\n  "scan": {\n    "id": 7,');
    expect(JSON.parse(json)).toEqual(doc);
  });

  it('writes keys in the order of the ExportDevice type, whatever order the input was built in', () => {
    const shuffled = Object.fromEntries(Object.entries(flaggedHikvision).reverse()) as unknown as ExportDevice;
    const restriction = flaggedHikvision.restriction;
    const reversedRestriction = restriction && (Object.fromEntries(Object.entries(restriction).reverse()) as unknown as ExportDevice['restriction']);
    const device = JSON.parse(toJson(aDocument([{ ...shuffled, restriction: reversedRestriction }]))).devices[0];
    expect(Object.keys(device)).toEqual(Object.keys(anExportDevice()));
    expect(Object.keys(device.restriction)).toEqual(['entity', 'entityName', 'lists', 'citations', 'basis', 'confidence']);
    expect(Object.keys(device.restriction.citations[0])).toEqual(['id', 'row', 'citation', 'scopeLimit']);
    expect(toJson(aDocument([shuffled]))).toBe(toJson(aDocument([flaggedHikvision])));
  });

  it('writes an empty device list', () => {
    expect(JSON.parse(toJson(aDocument([]))).devices).toEqual([]);
  });
});
