// `camaudit schedule add|list|remove|run|runs`: scans on a cron schedule, stored in the database and run by
// `camaudit daemon` (or now, by `schedule run`).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { loadKnowledge } from '../../knowledge/load.js';
import { cronProblem, localTimeZone, nextSlot } from '../../schedule/cron.js';
import { deliverDue, DEFAULT_DELIVERY, channelLabel } from '../../schedule/deliver.js';
import { currentOwner, ownerIsDead } from '../../schedule/owner.js';
import { runSchedule } from '../../schedule/run.js';
import type { Schedule, ScheduleRun } from '../../schedule/types.js';
import type { ScheduleStore } from '../../store/schedule-store.js';
import { defaultSite, parseSiteName } from '../../store/sites.js';
import { addChannelOptions, channelsFrom, type ChannelFlags } from '../channels.js';
import { defaultDbPath, positiveInt } from '../options.js';
import { addScanSettingOptions, pickScanSettings, planScan, type ScanSettings } from '../scan-job.js';
import { LOCK_TTL_MS, openScheduleRuntime } from '../schedule-runtime.js';
import { openScheduleStore } from '../store.js';
import { renderTable } from '../table.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** `2026-03-29 03:00:00 GMT+2` in the schedule's own zone: what its cron expression means. */
export function localTime(iso: string | null, timezone: string): string {
  if (iso === null) return '-';
  const f = new Intl.DateTimeFormat('sv-SE', { timeZone: timezone, dateStyle: 'short', timeStyle: 'long' });
  return f.format(new Date(iso));
}

async function withSchedules<T>(db: string, fn: (s: ScheduleStore) => Promise<T>): Promise<T> {
  const schedules = await openScheduleStore(db);
  try {
    return await fn(schedules);
  } finally {
    await schedules.close();
  }
}

async function mustGet(schedules: ScheduleStore, name: string, db: string): Promise<Schedule> {
  const s = await schedules.getSchedule(name);
  if (!s) throw new UsageError(`no schedule ${JSON.stringify(name)} in ${db}; see \`camaudit schedule list\``);
  return s;
}

/** One line on stderr and exit 1: the command was fine, the moment was not. */
function refuse(message: string): void {
  process.stderr.write(`camaudit: ${message}\n`);
  process.exitCode = 1;
}

interface AddFlags extends ScanSettings, ChannelFlags {
  db: string;
  cron: string;
  timezone?: string;
}

async function add(name: string, targets: string[], flags: AddFlags): Promise<void> {
  if (!NAME.test(name)) throw new UsageError(`invalid schedule name ${JSON.stringify(name)}: expected letters, digits, '.', '_' or '-' (up to 64)`);
  const timezone = flags.timezone ?? localTimeZone();
  const problem = cronProblem(flags.cron, timezone);
  if (problem) throw new UsageError(problem);
  const settings = pickScanSettings(flags);
  planScan(targets, settings, loadKnowledge()); // refuse now what the daemon would refuse at 3 a.m.
  // The daemon runs elsewhere (another cwd): files are stored by absolute path.
  const abs = (path: string | undefined) => path && resolve(path);
  const stored: ScanSettings = { ...settings, onvifPasswordFile: abs(settings.onvifPasswordFile), credentials: abs(settings.credentials), policyFile: abs(settings.policyFile) };
  const schedule = { name, cron: flags.cron, timezone, targets, settings: stored, channels: channelsFrom(flags), createdAt: new Date().toISOString() };
  await withSchedules(flags.db, async (schedules) => {
    if (!(await schedules.addSchedule(schedule))) throw new UsageError(`schedule ${JSON.stringify(name)} exists already in ${flags.db}; remove it first`);
  });
  const next = nextSlot({ ...schedule, lastSlot: null })!.toISOString();
  process.stdout.write(`schedule ${name} added: "${flags.cron}" in ${timezone}, next run ${localTime(next, timezone)}; \`camaudit daemon\` runs it\n`);
}

function lastRunText(r: ScheduleRun | undefined): string {
  if (!r) return '-';
  return `${r.startedAt.slice(0, 19).replace('T', ' ')}Z ${r.status}${r.scanId === null ? '' : ` (scan ${r.scanId})`}`;
}

async function list(flags: { db: string; json?: boolean }): Promise<void> {
  await withSchedules(flags.db, async (schedules) => {
    const all = await schedules.listSchedules();
    const rows = [];
    for (const s of all) rows.push({ schedule: s, nextRun: nextSlot(s)?.toISOString() ?? null, lastRun: (await schedules.listRuns({ schedule: s.name, limit: 1 }))[0] });
    if (flags.json) return void process.stdout.write(`${JSON.stringify(rows.map((r) => ({ ...r.schedule, nextRun: r.nextRun, lastRun: r.lastRun ?? null })), null, 2)}\n`);
    if (!all.length) return void process.stdout.write(`no schedules in ${flags.db}; add one with \`camaudit schedule add NAME --cron "0 3 * * *" TARGET\`\n`);
    const table = rows.map(({ schedule: s, nextRun, lastRun }) => [
      s.name,
      s.settings.site ?? '(every site)',
      s.cron,
      s.timezone,
      s.targets.join(' ') || '(local subnets)',
      localTime(nextRun, s.timezone),
      lastRunText(lastRun),
      s.channels.map(channelLabel).join(', ') || '-',
    ]);
    process.stdout.write(`${renderTable(['NAME', 'SITE', 'CRON', 'TIMEZONE', 'TARGETS', 'NEXT RUN', 'LAST RUN', 'CHANNELS'], table, 48)}\n`);
  });
}

async function remove(name: string, flags: { db: string }): Promise<void> {
  await withSchedules(flags.db, async (schedules) => {
    await mustGet(schedules, name, flags.db);
    const holder = (await schedules.locksOf(name)).find((h) => h.expiresAt > new Date().toISOString() && !ownerIsDead(h));
    if (holder) {
      return refuse(`schedule ${name} is running now at site ${holder.site} (pid ${holder.pid} on ${holder.host}); remove it when the run has finished`);
    }
    await schedules.removeSchedule(name);
    process.stdout.write(`schedule ${name} removed (its scans stay in ${flags.db})\n`);
  });
}

async function runs(name: string | undefined, flags: { db: string; json?: boolean; limit: number }): Promise<void> {
  await withSchedules(flags.db, async (schedules) => {
    if (name !== undefined) await mustGet(schedules, name, flags.db);
    const list = await schedules.listRuns({ schedule: name, limit: flags.limit });
    if (flags.json) return void process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    if (!list.length) return void process.stdout.write(`no runs yet in ${flags.db}; \`camaudit daemon\` runs schedules when due, \`camaudit schedule run NAME\` now\n`);
    const c = (r: ScheduleRun) => (r.changes ? `${r.changes.newFindings} new, ${r.changes.reopenedFindings} reopened, ${r.changes.disappeared} gone` : '-');
    const table = list.map((r) => [String(r.id), r.schedule, r.site || '-', r.trigger === 'cron' ? (r.slot ?? '-') : 'manual', r.startedAt, r.status, r.scanId === null ? '-' : String(r.scanId), c(r), r.error ?? '']);
    process.stdout.write(`${renderTable(['RUN', 'SCHEDULE', 'SITE', 'SLOT', 'STARTED', 'STATUS', 'SCAN', 'CHANGES', 'ERROR'], table, 60)}\n`);
  });
}

async function runNow(name: string, flags: ChannelFlags & { db: string; json?: boolean; site?: string }): Promise<void> {
  const channels = channelsFrom(flags, process.env);
  const rt = await openScheduleRuntime(flags.db);
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    const stored = await mustGet(rt.schedules, name, flags.db);
    const siteName = flags.site ?? process.env.CAMAUDIT_SITE;
    const here = siteName ? parseSiteName(siteName, '--site') : defaultSite();
    if (stored.settings.site !== undefined && flags.site !== undefined && here !== stored.settings.site) {
      throw new UsageError(`schedule ${name} belongs to site ${JSON.stringify(stored.settings.site)}, not ${JSON.stringify(here)}; run it there, or without --site`);
    }
    const schedule = { ...stored, settings: { ...stored.settings, site: stored.settings.site ?? here } };
    const log = (line: string) => (flags.json ? process.stderr.write(`camaudit: ${line}\n`) : process.stdout.write(`${line}\n`));
    const ctx = { ...rt, owner: currentOwner(), channels, lockTtlMs: LOCK_TTL_MS, now: () => new Date(), log, signal: controller.signal };
    const r = await runSchedule(ctx, schedule, null);
    if (r.kind !== 'ran') {
      const who = r.kind === 'busy' ? ` by pid ${r.holder.pid} on ${r.holder.host} since ${r.holder.acquiredAt}` : '';
      return refuse(`schedule ${name} is running now${who}; try again when it has finished`);
    }
    // One attempt for this run's alerts now; what fails stays queued for the daemon to retry.
    await deliverDue({ store: rt.schedules, policy: DEFAULT_DELIVERY, now: ctx.now, log, only: (a) => a.runId === r.runId });
    const [run] = await rt.schedules.listRuns({ schedule: name, limit: 1 });
    if (flags.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    process.exitCode = r.status === 'complete' ? 0 : r.status === 'interrupted' ? 130 : 1;
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
    await rt.close();
  }
}

export function registerSchedule(program: Command): void {
  const schedule = program
    .command('schedule')
    .summary('scan on a cron schedule (run by `camaudit daemon`)')
    .description('Store scans to run on a cron schedule. `camaudit daemon` runs them and sends an alert when something changes.')
    .addHelpText(
      'after',
      `
Examples:
  $ camaudit schedule add office --cron "0 3 * * *" --timezone Europe/Berlin 10.0.5.0/24
  $ camaudit schedule add lab --cron "*/15 * * * *" 10.0.9.0/24 --webhook https://hooks.example.org/camaudit --webhook-secret-file /etc/camaudit/hook.key
  $ camaudit schedule list
  $ sudo camaudit schedule run office        run it now, in the foreground

A schedule added without --site belongs to every site: each site's daemon (\`camaudit daemon --site NAME\`)
runs it once per fire time for its own site, however many daemons share the database. One added with
--site NAME runs at that site only.
  $ camaudit schedule runs office            what each run found
  $ camaudit schedule remove office`,
    );

  const addCommand = schedule
    .command('add')
    .summary('add a scheduled scan')
    .argument('<name>', 'a name for the schedule: letters, digits, ".", "_", "-"')
    .argument('[TARGET...]', 'as for `camaudit scan`; default: the subnets of the host the daemon runs on')
    .requiredOption('--cron <expr>', 'when to run: 5 fields (min hour day month weekday) or 6 with seconds first; @daily, @hourly …')
    .option('--timezone <zone>', `IANA zone the expression is read in (default: this host's, ${localTimeZone()})`)
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath());
  addChannelOptions(addScanSettingOptions(addCommand))
    .addHelpText(
      'after',
      `
Examples:
  $ camaudit schedule add nightly --cron "0 3 * * *" 192.168.1.0/24
  $ camaudit schedule add weekdays --cron "30 7 * * 1-5" --timezone America/Toronto 10.0.0.0/22 --exclude 10.0.1.1
  $ camaudit schedule add shop --cron "0 * * * *" 10.2.0.0/24 --webhook-format slack --webhook https://hooks.slack.com/services/…
  $ camaudit schedule add cams --cron "@hourly" 10.3.0.0/24 --on-change "/usr/local/bin/ticket --queue security"

A fixed-time job skipped by a DST change runs at the first valid time after the gap, and once when an hour repeats.
Secrets are never stored: the database holds the path of --webhook-secret-file and --onvif-password-file.`,
    )
    .action(add);

  schedule
    .command('list')
    .summary('list schedules with their next and last run')
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--json', 'JSON array instead of a table')
    .addHelpText('after', '\nExamples:\n  $ camaudit schedule list\n  $ camaudit schedule list --json | jq -r \'.[] | "\\(.name) \\(.nextRun)"\'')
    .action(list);

  schedule
    .command('remove')
    .summary('remove a schedule (its scans stay)')
    .argument('<name>')
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .addHelpText('after', '\nExample:\n  $ camaudit schedule remove office')
    .action(remove);

  const runCommand = schedule
    .command('run')
    .summary('run a schedule now, in the foreground, and send its alerts')
    .argument('<name>')
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--site <name>', 'for a schedule added without --site: the site this run scans (default: $CAMAUDIT_SITE, else the host name)')
    .option('--json', 'print the run record as JSON');
  addChannelOptions(runCommand)
    .addHelpText(
      'after',
      `
Examples:
  $ sudo camaudit schedule run office
  $ CAMAUDIT_WEBHOOK_URL=https://hooks.example.org/camaudit sudo -E camaudit schedule run office

Exit status: 0 scan complete, 1 failed or already running, 2 bad usage, 130 interrupted.`,
    )
    .action(runNow);

  schedule
    .command('runs')
    .summary('list past runs, newest first')
    .argument('[name]', 'only this schedule')
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--limit <n>', 'how many', positiveInt('--limit'), 20)
    .option('--json', 'JSON array instead of a table')
    .addHelpText('after', '\nExamples:\n  $ camaudit schedule runs office\n  $ camaudit schedule runs --json | jq \'.[] | select(.status == "failed")\'')
    .action(runs);
}
