// What the inventory commands share: the device filters of `devices` and `export`, opening the inventory
// (exceptions past their expiry return to open first, so no listing shows a stale one), and short dates.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { DEVICE_TYPES, type DeviceType, type ExportDevice, type ExportDocument } from '../core/types.js';
import { deviceMatches, type DeviceFilter } from '../inventory/filter.js';
import type { DeviceSource, ScanRef, Store } from '../store/store.js';
import { oneOf } from './options.js';
import { openStore } from './store.js';

export interface DeviceFilterFlags {
  db: string;
  scan?: ScanRef;
  flagged?: boolean;
  flaggedOnly?: boolean;
  entity?: string;
  type?: DeviceType;
  since?: string;
  site?: string;
}

/** `--since 2026-12-01` or a full ISO-8601 time, as an ISO string to compare with. */
export function sinceOption(value: string): string {
  const t = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value) : NaN;
  if (Number.isNaN(t)) throw new UsageError(`invalid --since ${JSON.stringify(value)}: expected a date (2026-12-01) or an ISO-8601 time`);
  return new Date(t).toISOString();
}

export function parseScanRef(value: string, what: string): ScanRef {
  if (value === 'latest') return 'latest';
  if (!/^\d{1,12}$/.test(value) || Number(value) === 0) throw new UsageError(`invalid ${what} ${JSON.stringify(value)}: expected a scan id or "latest"`);
  return Number(value);
}

export const scanRefOption = (value: string): ScanRef => parseScanRef(value, '--scan');

export function addDeviceFilters(cmd: Command): Command {
  return cmd
    .option('--scan <id>', 'only the devices of this scan (an id or "latest"), as that scan judged them; default: the whole inventory', scanRefOption)
    .option('--flagged', 'only devices whose maker is on a restriction list')
    .option('--entity <id>', 'only devices of this entity (restricted entity, maker or brand id, e.g. hikvision)')
    .option('--type <type>', `only devices of this type: ${DEVICE_TYPES.join(', ')}`, oneOf('--type', DEVICE_TYPES))
    .option('--since <date>', 'only devices seen on or after this date (2026-12-01) or time', sinceOption)
    .option('--site <name>', 'only devices of this site (a fleet\'s inventory holds every site\'s)');
}

/** What `devices` and `export` show: the header of the scan asked for (else the latest), where its devices come from, and the filter. */
export interface DeviceSelection {
  readonly scan: ExportDocument['scan'];
  readonly source: DeviceSource;
  readonly filter: DeviceFilter;
}

/** The selection the flags make; a UsageError when there is nothing to show. */
export async function selectDevices(store: Store, flags: DeviceFilterFlags): Promise<DeviceSelection> {
  const scan = await store.getScan(flags.scan ?? 'latest');
  if (!scan) throw new UsageError(flags.scan === undefined || flags.scan === 'latest' ? `no scans in ${flags.db} yet; run \`camaudit scan\` first` : `no scan ${flags.scan} in ${flags.db}`);
  return {
    scan: { id: scan.id, startedAt: scan.startedAt, finishedAt: scan.finishedAt, targets: scan.targets, status: scan.status },
    source: flags.scan === undefined ? 'inventory' : scan.id,
    filter: { flagged: flags.flagged || flags.flaggedOnly, entity: flags.entity, type: flags.type, since: flags.since, site: flags.site },
  };
}

/** The selected devices, read as they are iterated (Store.deviceStream: the store serves nothing else meanwhile). */
export async function* selectedDevices(store: Store, selection: DeviceSelection): AsyncGenerator<ExportDevice> {
  const matches = deviceMatches(selection.filter);
  for await (const d of store.deviceStream(selection.source)) if (matches(d)) yield d;
}

/** The inventory store, with expired exceptions already returned to open. */
export async function openInventory(db: string): Promise<Store> {
  const store = await openStore(db);
  try {
    await store.expireExceptions();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/** Who is making a change: --by, else the OS user. */
export function actor(by: string | undefined): string {
  if (by?.trim()) return by.trim();
  try {
    return userInfo().username;
  } catch {
    return process.env.USER || 'unknown';
  }
}

/** 2026-12-01T09:00:00.000Z → 2026-12-01 09:00 (UTC, as stored). */
export function shortTime(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '-';
}
