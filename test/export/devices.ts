// ExportDevice builders for export tests that do not need a store.
import type { ExportDevice, ExportDocument } from '../../src/core/types.js';
import { FCC_ROW_4, NDAA_889 } from '../store/builders.js';

export function anExportDevice(o: Partial<ExportDevice> = {}): ExportDevice {
  return {
    ip: '198.18.0.1',
    mac: null,
    macSource: null,
    ouiVendor: null,
    manufacturer: null,
    manufacturerName: null,
    brand: null,
    brandName: null,
    model: null,
    firmware: null,
    serial: null,
    deviceType: 'unknown',
    confidence: null,
    flagged: false,
    restriction: null,
    evidence: [],
    conflicts: [],
    decidedBy: null,
    ...o,
  };
}

export const flaggedHikvision: ExportDevice = anExportDevice({
  ip: '198.18.0.10',
  mac: '28:57:be:aa:bb:01',
  macSource: 'neighbours',
  ouiVendor: 'Hangzhou Hikvision Digital Technology Co.,Ltd.',
  manufacturer: 'hikvision',
  manufacturerName: 'Hangzhou Hikvision Digital Technology Co., Ltd.',
  deviceType: 'camera',
  confidence: 'high',
  flagged: true,
  restriction: {
    entity: 'hikvision',
    entityName: 'Hangzhou Hikvision Digital Technology Co., Ltd.',
    lists: ['us-fcc-covered-list', 'us-ndaa-fy2019-sec889'],
    citations: [FCC_ROW_4, NDAA_889],
    basis: 'manufacturer',
    confidence: 'high',
  },
  evidence: [
    { source: 'oui', detail: 'OUI 28:57:BE' },
    { source: 'onvif', detail: 'Manufacturer "HIKVISION"' },
  ],
  conflicts: ['a', 'b'],
});

export function aDocument(devices: readonly ExportDevice[]): ExportDocument {
  return {
    scan: { id: 7, startedAt: '2026-11-26T09:00:00.000Z', finishedAt: '2026-11-26T09:00:42.000Z', targets: ['198.18.0.0/23'], status: 'complete' },
    devices,
  };
}
