// JSON export: the output contract (ExportDocument). Objects are rebuilt field by field so the key order
// is always that of the types in core/types.ts, whatever order the caller's objects were built in.
import type { EvidenceItem, ExportDevice, ExportDocument, FindingSummary, ListRef, PolicyDecision } from '../core/types.js';
import { writeAll, type DeviceWriter } from './writer.js';

/** Pretty-printed (2 spaces), stable key order, trailing newline. */
export function toJson(doc: ExportDocument): string {
  return writeAll(jsonWriter(doc.scan), doc.devices);
}

/** toJson a device at a time: byte for byte what JSON.stringify(document, null, 2) writes, and a newline. */
export function jsonWriter(scan: ExportDocument['scan']): DeviceWriter {
  const head = { id: scan.id, startedAt: scan.startedAt, finishedAt: scan.finishedAt, targets: scan.targets, status: scan.status };
  const devices = jsonElements(2);
  return {
    head: `{\n  "scan": ${JSON.stringify(head, null, 2).replace(/\n/g, '\n  ')},\n  "devices": [`,
    device: devices.element,
    tail: () => `${devices.close()}\n}\n`,
  };
}

/** `devices --json`: JSON.stringify(devices, null, 2) and a newline, a device at a time. */
export function jsonArrayWriter(): DeviceWriter {
  const devices = jsonElements(1);
  return { head: '[', device: devices.element, tail: () => `${devices.close()}\n` };
}

/** The devices of an array that JSON.stringify(_, null, 2) indents by `depth` levels, and the array's closing bracket. */
function jsonElements(depth: number): { element(d: ExportDevice): string; close(): string } {
  const indent = `\n${'  '.repeat(depth)}`;
  let first = true;
  return {
    element(d) {
      // A newline inside a JSON string is written as \n, so every real newline here is indentation.
      const text = `${first ? '' : ','}${indent}${JSON.stringify(orderDevice(d), null, 2).replace(/\n/g, indent)}`;
      first = false;
      return text;
    },
    close: () => (first ? ']' : `\n${'  '.repeat(depth - 1)}]`),
  };
}

/** One device per line, no document around them (`export --format ndjson`, `devices --ndjson`). */
export function ndjsonWriter(): DeviceWriter {
  return { head: '', device: (d) => `${JSON.stringify(orderDevice(d))}\n`, tail: () => '' };
}

export function orderDevice(d: ExportDevice): ExportDevice {
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
    decidedBy: d.decidedBy ? orderDecision(d.decidedBy) : null,
    ...(d.assetId === undefined ? {} : { assetId: d.assetId, ...(d.site === undefined ? {} : { site: d.site }), firstSeen: d.firstSeen, lastSeen: d.lastSeen, finding: d.finding ? orderFinding(d.finding) : null }),
  };
}

function orderDecision(p: PolicyDecision): PolicyDecision {
  return {
    flagged: p.flagged,
    rules: p.rules.map((r) => ({ rule: r.rule, at: r.at, text: r.text })),
    rows: p.rows.map((r) => ({ list: r.list, row: r.row, effect: r.effect })),
  };
}

function orderFinding(f: FindingSummary): FindingSummary {
  return { id: f.id, status: f.status, owner: f.owner, notes: f.notes, reason: f.reason, expiresAt: f.expiresAt, updatedAt: f.updatedAt };
}

function orderListRef(c: ListRef): ListRef {
  return { id: c.id, row: c.row, citation: c.citation, scopeLimit: c.scopeLimit };
}

function orderEvidence(e: EvidenceItem): EvidenceItem {
  return { source: e.source, detail: e.detail };
}
