// `camaudit findings`: the removal workflow. List findings by status; `findings set` moves one along
// (open → acknowledged | exception | remediated), with owner and notes, each change recorded with who and when.
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { FINDING_STATUSES, type FindingStatus } from '../../core/types.js';
import { parseDay, SETTABLE_STATUSES, type UserChange } from '../../inventory/findings.js';
import type { FindingRecord } from '../../inventory/types.js';
import type { Store } from '../../store/store.js';
import { actor, openInventory, shortTime } from '../inventory.js';
import { commaList, defaultDbPath, oneOf } from '../options.js';
import { renderTable } from '../table.js';

/** A finding id, or the IP or MAC of a device that has exactly one finding. */
async function resolveFinding(store: Store, ref: string): Promise<FindingRecord> {
  const findings = await store.findings();
  if (/^\d{1,12}$/.test(ref)) {
    const f = findings.find((x) => x.id === Number(ref));
    if (!f) throw new UsageError(`no finding ${ref}; see \`camaudit findings\``);
    return f;
  }
  const assets = new Set(await store.findAssets(ref));
  const hits = findings.filter((f) => f.device.assetId !== undefined && assets.has(f.device.assetId));
  if (hits.length === 0) throw new UsageError(`no finding for ${JSON.stringify(ref)}: give a finding id, or the IP or MAC of a flagged device`);
  if (hits.length > 1) throw new UsageError(`${JSON.stringify(ref)} matches findings ${hits.map((f) => f.id).join(', ')}; give the finding id`);
  return hits[0]!;
}

function row(f: FindingRecord): string[] {
  const d = f.device;
  return [String(f.id), f.status, d.ip, d.mac ?? '-', d.manufacturer ?? '-', d.model ?? '-', f.entity, f.citations.map((c) => c.id).filter((v, i, a) => a.indexOf(v) === i).join(','),
    f.owner ?? '-', f.expiresAt ?? '-', shortTime(d.lastSeen), f.notes ?? ''];
}

const HEADER = ['ID', 'STATUS', 'IP', 'MAC', 'MAKER', 'MODEL', 'ENTITY', 'LISTS', 'OWNER', 'EXPIRES', 'LAST SEEN', 'NOTE'];

interface FindingsFlags {
  db: string;
  status?: string[];
  note?: string;
  owner?: string;
  expires?: string;
  by?: string;
  json?: boolean;
}

async function list(store: Store, flags: FindingsFlags, statuses: FindingStatus[] | undefined): Promise<void> {
  const found = (await store.findings()).filter((f) => !statuses || statuses.includes(f.status));
  if (flags.json) return void process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
  if (found.length === 0) return void process.stdout.write(statuses ? `No ${statuses.join(' or ')} findings.\n` : 'No findings: no device has been flagged.\n');
  process.stdout.write(`${renderTable(HEADER, found.map(row), 32)}\n`);
}

/** Checked before the database is opened: a typo must not create one. */
function userChange(flags: FindingsFlags): UserChange {
  if ((flags.status?.length ?? 0) > 1) throw new UsageError(`findings set takes one --status, not ${JSON.stringify(flags.status!.join(','))}`);
  const status = flags.status?.[0] === undefined ? undefined : oneOf('--status', SETTABLE_STATUSES)(flags.status[0]);
  if (flags.expires !== undefined) parseDay(flags.expires, '--expires');
  return { status, note: flags.note, owner: flags.owner, expires: flags.expires };
}

async function set(store: Store, ref: string, flags: FindingsFlags, change: UserChange): Promise<void> {
  const f = await resolveFinding(store, ref);
  await store.changeFinding(f.id, change, actor(flags.by));
  const after = (await store.findings()).find((x) => x.id === f.id)!;
  if (flags.json) return void process.stdout.write(`${JSON.stringify(after, null, 2)}\n`);
  const expiry = after.status === 'exception' ? ` until ${after.expiresAt}` : '';
  process.stdout.write(`Finding ${after.id} (${after.device.ip}, ${after.entity}): ${f.status} → ${after.status}${expiry}${after.owner ? `, owner ${after.owner}` : ''}\n`);
}

// One command rather than a `set` subcommand: commander would give the subcommand's --status and --db to the parent.
export function registerFindings(program: Command): void {
  program
    .command('findings')
    .summary('the removal workflow: list findings, or change one with `findings set`')
    .description('List the findings (one per device ever flagged) with status, owner, expiry and latest note; `findings set FINDING` changes one.')
    .argument('[set]', '"set" to change a finding')
    .argument('[FINDING]', 'with set: a finding id, or the IP or MAC of the flagged device')
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--status <status>', `list: only these, comma-separated (${FINDING_STATUSES.join(', ')}); set: the new status (${SETTABLE_STATUSES.join(', ')})`, commaList)
    .option('--note <text>', 'set: a note; with --status exception, the reason the device may stay')
    .option('--owner <name>', 'set: who is responsible ("" clears it)')
    .option('--expires <date>', 'set: the last day an exception holds (YYYY-MM-DD); alone, extends one')
    .option('--by <name>', 'set: who makes the change (default: the OS user)')
    .option('--json', 'JSON (findings with their full history) instead of a table')
    .addHelpText('after', `
Statuses: open → acknowledged | exception (reason and expiry required) | remediated. camaudit itself marks a
finding remediated when a complete scan of the same targets no longer sees the device (and reopens it if the
device returns), returns an exception to open after its expiry date, and marks a finding withdrawn when its
device is no longer flagged. Every change is kept with its time, who made it and why.

Examples:
  $ camaudit findings --status open,acknowledged
  $ camaudit findings set 4 --status acknowledged --owner facilities --note "ticket FAC-118"
  $ camaudit findings set 198.18.0.11 --status exception --note "lobby, replacement ordered" --expires 2027-03-31
  $ camaudit findings set 28:57:be:aa:bb:01 --status remediated --note "replaced by an Axis M3106" --by j.doe
  $ camaudit findings set 4 --expires 2027-06-30                   extend an exception
  $ camaudit findings --json | jq '.[] | {id, status, history}'`)
    .action(async (action: string | undefined, ref: string | undefined, flags: FindingsFlags) => {
      if (action !== undefined && action !== 'set') throw new UsageError(`unknown findings action ${JSON.stringify(action)}: expected "set"`);
      if (action === 'set' && ref === undefined) throw new UsageError('findings set needs a finding: an id, or the IP or MAC of the flagged device');
      const change = action === 'set' ? userChange(flags) : null;
      const statuses = action === 'set' ? undefined : flags.status?.map((s) => oneOf('--status', FINDING_STATUSES)(s) as FindingStatus);
      const store = await openInventory(flags.db);
      try {
        if (change) await set(store, ref!, flags, change);
        else await list(store, flags, statuses);
      } finally {
        await store.close();
      }
    });
}
