// `camaudit db update` and `camaudit db status`: refresh the IEEE MAC registry (downloaded, or from files
// for offline machines) and show how old every dataset camaudit judges with is.
import { Option, type Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { loadKnowledge, loadVendorDb, type VendorDb } from '../../knowledge/load.js';
import { fails } from '../../knowledge/problem.js';
import { loadEffectiveRegistry } from '../../knowledge/oui.js';
import type { EntityChange, Lookalike } from '../../knowledge/registry-diff.js';
import { dataDir } from '../../knowledge/registry-file.js';
import { IEEE_URL_BASE, updateRegistry, type UpdateReport } from '../../knowledge/registry-update.js';
import { datasetStatus, type DatasetStatus } from '../../knowledge/status.js';
import { positiveInt, repeatable } from '../options.js';
import { renderTable } from '../table.js';
import { VERSION } from '../version.js';

interface UpdateFlags {
  from?: string[];
  dryRun?: boolean;
  json?: boolean;
  timeout: number;
  urlBase?: string;
}

interface StatusFlags {
  maxAge: number;
  json?: boolean;
}

const n = (x: number) => x.toLocaleString('en-US');

/** vendor-db with its not-related names; an invalid vendor-db fails as loadKnowledge() does. */
function checkedVendorDb(): VendorDb {
  const db = loadVendorDb();
  if (fails(db.problems).length > 0) loadKnowledge(db.dir);
  return db;
}

/** Only http(s): the option exists so tests can serve the registry from 127.0.0.1. */
function urlBase(value: string): string {
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(value)) throw new UsageError(`invalid --url-base ${JSON.stringify(value)}: expected an http(s) URL`);
  return value;
}

function describeChange(c: EntityChange): string {
  const parts = [];
  if (c.added.length) parts.push(`${c.added.length} new: ${c.added.join(' ')}`);
  if (c.removed.length) parts.push(`${c.removed.length} withdrawn: ${c.removed.join(' ')}`);
  return `  ${c.entity} (${c.name}): ${parts.join('; ')} (now ${c.total})`;
}

function describeLookalike(l: Lookalike): string {
  const fresh = l.added.length ? `, ${l.added.length} new` : '';
  return `  "${l.org}" (reads as ${l.family}; ${l.prefixes.length} prefix${l.prefixes.length === 1 ? '' : 'es'}${fresh}: ${l.prefixes.slice(0, 8).join(' ')}${l.prefixes.length > 8 ? ' …' : ''})`;
}

export function renderUpdate(r: UpdateReport): string {
  const rows = `${r.files.map((f) => `${f.registry} ${n(f.rows)}`).join(' · ')} rows`;
  const lines = [
    r.saved ? `Saved the IEEE registry (${rows}) to ${r.path}` : `Checked the IEEE registry (${rows}); --dry-run: nothing saved`,
    `Compared with ${r.previous}: ${n(r.diff.before)} → ${n(r.diff.after)} assignments.`,
  ];
  const restricted = r.diff.entities.filter((c) => c.restrictedFamily !== null);
  const others = r.diff.entities.length - restricted.length;
  lines.push(restricted.length ? 'Restricted makers:' : 'Restricted makers: no new or withdrawn blocks.', ...restricted.map(describeChange));
  if (others) lines.push(`Other vendor-db makers: ${others} changed (see --json).`);
  if (r.diff.lookalikes.length) {
    lines.push(
      'IEEE names that read like a restricted maker but are in neither vendor-db/entities.yaml nor not-related.yaml:',
      ...r.diff.lookalikes.map(describeLookalike),
      '  Add each to the right entity\'s ouiOrgNames or to not-related.yaml (see vendor-db/README.md).',
    );
  }
  return `${lines.join('\n')}\n`;
}

export function renderStatus(rows: readonly DatasetStatus[]): string {
  const table = renderTable(
    ['DATASET', 'AS OF', 'AGE', 'ITEMS', 'SOURCE'],
    rows.map((s) => [s.dataset, s.asOf ?? (s.kind === 'list' ? '-' : `release ${VERSION}`), s.ageDays === null ? '-' : `${s.ageDays} d`, String(s.items), s.source]),
    100,
  );
  const warnings = rows.flatMap((s) => (s.warning ? [`WARNING ${s.dataset}: ${s.warning}`] : []));
  return `${[table, ...(warnings.length ? ['', ...warnings] : [])].join('\n')}\n`;
}

export function registerDb(program: Command): void {
  const db = program
    .command('db')
    .summary('refresh the MAC registry; show the age of every dataset')
    .description('Keep the knowledge current: `db update` refreshes the IEEE MAC registry, `db status` shows the age and source of every dataset.');

  db.command('update')
    .summary('refresh the IEEE MAC registry (MA-L, MA-M, MA-S, IAB)')
    .description(
      `Download the IEEE MA-L, MA-M, MA-S and IAB registries from ${IEEE_URL_BASE} (or read them with --from), check every file, ` +
        'store them in the data directory ($CAMAUDIT_DATA_DIR, else ~/.local/share/camaudit) and print what changed for the makers in vendor-db. ' +
        'A file that is truncated, malformed or too small replaces nothing. The shipped oui-data stays the fallback.',
    )
    .option('--from <path>', 'a directory holding oui.csv, mam.csv, oui36.csv (and iab.csv), or one CSV file (repeatable); no download', repeatable)
    .option('--dry-run', 'check and compare, but save nothing')
    .option('--timeout <seconds>', 'deadline for each download', positiveInt('--timeout'), 120)
    .option('--json', 'print the report as JSON')
    .addOption(new Option('--url-base <url>', 'where the registries are published (tests)').argParser(urlBase).hideHelp())
    .addHelpText(
      'after',
      `
Examples:
  $ camaudit db update                                     download from ${IEEE_URL_BASE}
  $ camaudit db update --from /media/usb/ieee/             offline: a directory with the four CSV files
  $ camaudit db update --from oui.csv --from mam.csv --from oui36.csv --dry-run
  $ camaudit db update --json | jq '.diff.entities[] | select(.restrictedFamily) | {entity, added}'

Exit status: 0 saved (or checked, with --dry-run), 1 a download failed or a file was rejected (nothing replaced), 2 bad usage.`,
    )
    .action(async (flags: UpdateFlags) => {
      const vendorDb = checkedVendorDb();
      const base = flags.urlBase ?? (process.env.CAMAUDIT_IEEE_URL_BASE ? urlBase(process.env.CAMAUDIT_IEEE_URL_BASE) : IEEE_URL_BASE);
      const report = await updateRegistry({
        source: flags.from?.length ? { kind: 'files', paths: flags.from } : { kind: 'download', base },
        dataDir: dataDir(),
        knowledge: vendorDb.knowledge,
        notRelated: vendorDb.notRelated,
        dryRun: flags.dryRun,
        timeoutMs: flags.timeout * 1000,
        onProgress: flags.json ? undefined : (message) => process.stderr.write(`camaudit: ${message}\n`),
      });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderUpdate(report));
    });

  db.command('status')
    .summary('show the age and source of every dataset')
    .description('Show the date, age, size and source of the MAC registry, each restriction list and each fingerprint file, and warn when the registry is older than --max-age days.')
    .option('--max-age <days>', 'warn when the MAC registry is older than this (default: $CAMAUDIT_REGISTRY_MAX_AGE or 90)', positiveInt('--max-age'))
    .option('--json', 'print the datasets as JSON')
    .addHelpText('after', '\nExamples:\n  $ camaudit db status\n  $ camaudit db status --max-age 30\n  $ camaudit db status --json | jq \'.[] | select(.warning)\'')
    .action((flags: StatusFlags) => {
      const env = process.env.CAMAUDIT_REGISTRY_MAX_AGE;
      const maxAge = flags.maxAge ?? (env ? positiveInt('$CAMAUDIT_REGISTRY_MAX_AGE')(env) : 90);
      const vendorDb = checkedVendorDb();
      const rows = datasetStatus({ registry: loadEffectiveRegistry(), knowledge: vendorDb.knowledge, vendorDbDir: vendorDb.dir, now: new Date(), maxAgeDays: maxAge });
      process.stdout.write(flags.json ? `${JSON.stringify(rows, null, 2)}\n` : renderStatus(rows));
    });
}
