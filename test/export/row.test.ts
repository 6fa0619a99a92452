import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, exportRow } from '../../src/export/row.js';
import { anExportDevice, flaggedHikvision } from './devices.js';

describe('exportRow', () => {
  it('has exactly the export columns, in order', () => {
    expect(Object.keys(exportRow(anExportDevice()))).toEqual([...EXPORT_COLUMNS]);
  });

  it('flattens a flagged device: list ids with ";", citations, scope limits and evidence with " | "', () => {
    expect(exportRow(flaggedHikvision)).toMatchObject({
      flagged: 'true',
      restricted_entity: 'hikvision',
      lists: 'us-fcc-covered-list;us-ndaa-fy2019-sec889',
      citations:
        'us-fcc-covered-list:row 4 (47 CFR 1.50002; Secure Networks Act, 47 U.S.C. 1601) | us-ndaa-fy2019-sec889:889(f)(3)(B) (Pub. L. 115-232, sec. 889; FAR 52.204-25)',
      // only the FCC row carries a limit
      scope_limits: expect.stringMatching(/^us-fcc-covered-list: For the purpose of public safety, .*national security purposes$/),
      basis: 'manufacturer',
      restriction_confidence: 'high',
      evidence: 'oui: OUI 28:57:BE | onvif: Manufacturer "HIKVISION"',
      conflicts: 'a | b',
    });
  });

  it('turns nulls and empty lists into empty strings', () => {
    const row = exportRow(anExportDevice());
    expect(row).toMatchObject({ ip: '198.18.0.1', device_type: 'unknown', flagged: 'false' });
    const { ip, device_type, flagged, ...rest } = row;
    expect(Object.values(rest).every((v) => v === '')).toBe(true);
  });
});
