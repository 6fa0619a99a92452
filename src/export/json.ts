// JSON export: the output contract (ExportDocument). Objects are rebuilt field by field so the key order
// is always that of the types in core/types.ts, whatever order the caller's objects were built in.
import type { EvidenceItem, ExportDevice, ExportDocument, ListRef } from '../core/types.js';

/** Pretty-printed (2 spaces), stable key order, trailing newline. */
export function toJson(doc: ExportDocument): string {
  const { scan } = doc;
  const ordered: ExportDocument = {
    scan: { id: scan.id, startedAt: scan.startedAt, finishedAt: scan.finishedAt, targets: scan.targets, status: scan.status },
    devices: doc.devices.map(orderDevice),
  };
  return JSON.stringify(ordered, null, 2) + '\n';
}

function orderDevice(d: ExportDevice): ExportDevice {
  const r = d.restriction;
  return {
    ip: d.ip,
    mac: d.mac,
    macSource: d.macSource,
    ouiVendor: d.ouiVendor,
    manufacturer: d.manufacturer,
    manufacturerName: d.manufacturerName,
    brand: d.brand,
    brandName: d.brandName,
    model: d.model,
    firmware: d.firmware,
    serial: d.serial,
    deviceType: d.deviceType,
    confidence: d.confidence,
    flagged: d.flagged,
    restriction: r && {
      entity: r.entity,
      entityName: r.entityName,
      lists: r.lists,
      citations: r.citations.map(orderListRef),
      basis: r.basis,
      confidence: r.confidence,
    },
    evidence: d.evidence.map(orderEvidence),
    conflicts: d.conflicts,
  };
}

function orderListRef(c: ListRef): ListRef {
  return { id: c.id, row: c.row, citation: c.citation, scopeLimit: c.scopeLimit };
}

function orderEvidence(e: EvidenceItem): EvidenceItem {
  return { source: e.source, detail: e.detail };
}
