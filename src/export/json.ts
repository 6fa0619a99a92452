// JSON export: the output contract (ExportDocument). Objects are rebuilt field by field so the key order
// is always that of the types in core/types.ts, whatever order the caller's objects were built in.
import type { EvidenceItem, ExportDevice, ExportDocument, FindingSummary, ListRef, PolicyDecision } from '../core/types.js';

/** Pretty-printed (2 spaces), stable key order, trailing newline. */
export function toJson(doc: ExportDocument): string {
  return [...jsonChunks(doc)].join('');
}

/**
 * toJson one device at a time, byte for byte what JSON.stringify(document, null, 2) writes, so an export can be
 * written while its devices are still being read instead of holding the whole document as one string.
 */
export function* jsonChunks(doc: { readonly scan: ExportDocument['scan']; readonly devices: Iterable<ExportDevice> }): Generator<string> {
  const { scan } = doc;
  const head = { id: scan.id, startedAt: scan.startedAt, finishedAt: scan.finishedAt, targets: scan.targets, status: scan.status };
  yield `{\n  "scan": ${JSON.stringify(head, null, 2).replace(/\n/g, '\n  ')},\n  "devices": [`;
  let first = true;
  for (const d of doc.devices) {
    // A newline inside a JSON string is written as \n, so every real newline here is indentation.
    yield `${first ? '' : ','}\n    ${JSON.stringify(orderDevice(d), null, 2).replace(/\n/g, '\n    ')}`;
    first = false;
  }
  yield first ? ']\n}\n' : '\n  ]\n}\n';
}

/** One device per line, no document around them (`export --format ndjson`, `devices --ndjson`). */
export function toNdjson(devices: Iterable<ExportDevice>): string {
  return [...ndjsonLines(devices)].join('');
}

export function* ndjsonLines(devices: Iterable<ExportDevice>): Generator<string> {
  for (const d of devices) yield `${JSON.stringify(orderDevice(d))}\n`;
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
