// The one flat view of an exported device. CSV columns come from here; any future tabular format
// (HTML table, terminal list) should too, so the columns cannot drift apart.
import type { ExportDevice } from '../core/types.js';

export const EXPORT_COLUMNS = [
  'ip',
  'mac',
  'mac_source',
  'oui_vendor',
  'manufacturer',
  'manufacturer_name',
  'brand',
  'brand_name',
  'model',
  'firmware',
  'serial',
  'device_type',
  'confidence',
  'flagged',
  'restricted_entity',
  'lists',
  'citations',
  'scope_limits',
  'basis',
  'restriction_confidence',
  'evidence',
  'conflicts',
  // The inventory and the findings workflow, for a ticketing import.
  'asset_id',
  'site',
  'first_seen',
  'last_seen',
  'finding_id',
  'status',
  'owner',
  'expires',
  'notes',
  // Which policy rules and list rows decided `flagged` (src/policy/judge.ts decide()).
  'decided_by',
  'decided_by_rows',
] as const;

export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

// Citations and evidence contain ";" and "," themselves, so multi-valued free text is joined with " | ".
const JOIN = ' | ';

/** Flattens a device; keys are EXPORT_COLUMNS in order, absent values are empty strings. */
export function exportRow(device: ExportDevice): Record<ExportColumn, string> {
  const r = device.restriction;
  return {
    ip: device.ip,
    mac: device.mac ?? '',
    mac_source: device.macSource ?? '',
    oui_vendor: device.ouiVendor ?? '',
    manufacturer: device.manufacturer ?? '',
    manufacturer_name: device.manufacturerName ?? '',
    brand: device.brand ?? '',
    brand_name: device.brandName ?? '',
    model: device.model ?? '',
    firmware: device.firmware ?? '',
    serial: device.serial ?? '',
    device_type: device.deviceType,
    confidence: device.confidence ?? '',
    flagged: device.flagged ? 'true' : 'false',
    restricted_entity: r?.entity ?? '',
    lists: r ? r.lists.join(';') : '',
    citations: r ? r.citations.map((c) => `${c.id}:${c.row} (${c.citation})`).join(JOIN) : '',
    scope_limits: r ? r.citations.flatMap((c) => (c.scopeLimit === null ? [] : [`${c.id}: ${c.scopeLimit}`])).join(JOIN) : '',
    basis: r?.basis ?? '',
    restriction_confidence: r?.confidence ?? '',
    evidence: device.evidence.map((e) => `${e.source}: ${e.detail}`).join(JOIN),
    conflicts: device.conflicts.join(JOIN),
    asset_id: device.assetId === undefined ? '' : String(device.assetId),
    site: device.site ?? '',
    first_seen: device.firstSeen ?? '',
    last_seen: device.lastSeen ?? '',
    finding_id: device.finding ? String(device.finding.id) : '',
    status: device.finding?.status ?? '',
    owner: device.finding?.owner ?? '',
    expires: device.finding?.expiresAt ?? '',
    notes: device.finding?.notes ?? '',
    decided_by: device.decidedBy ? device.decidedBy.rules.map((x) => `${x.rule} (${x.at}): ${x.text}`).join(JOIN) : '',
    decided_by_rows: device.decidedBy ? device.decidedBy.rows.map((x) => `${x.list}:${x.row} ${x.effect}`).join(JOIN) : '',
  };
}
