// `camaudit daemon`: runs due schedules until SIGTERM/SIGINT, one log line per run; `--status` reports health.
import type { Command } from 'commander';
import { DEFAULT_DELIVERY } from '../../schedule/deliver.js';
import { runDaemon } from '../../schedule/daemon.js';
import { currentOwner } from '../../schedule/owner.js';
import { readHealth, type Health } from '../../schedule/status.js';
import { addChannelOptions, channelsFrom, type ChannelFlags } from '../channels.js';
import { defaultDbPath } from '../options.js';
import { LOCK_TTL_MS, openScheduleRuntime } from '../schedule-runtime.js';
import { defaultSite, parseSiteName } from '../../store/sites.js';
import { openScheduleStore } from '../store.js';
import { renderTable } from '../table.js';
import { VERSION } from '../version.js';
import { localTime } from './schedule.js';

const HEARTBEAT_MS = 5_000;

interface DaemonFlags extends ChannelFlags {
  db: string;
  site?: string;
  status?: boolean;
  json?: boolean;
}

function printHealth(h: Health, db: string): void {
  const lines: string[] = [];
  const live = h.daemons.filter((d) => d.state === 'running');
  if (!live.length) {
    const last = h.daemons[0];
    lines.push(`daemon: not running${last ? ` (last seen: pid ${last.pid} on ${last.host}, ${last.state}, heartbeat ${last.heartbeatAt})` : ` (none has ever run on ${db})`}`);
  }
  for (const d of live) {
    lines.push(`daemon: running, pid ${d.pid} on ${d.host}${d.site ? ` for site ${d.site}` : ''}, camaudit ${d.version}, since ${d.startedAt}, heartbeat ${d.heartbeatAt}${d.running.length ? `, running ${d.running.join(', ')}` : ''}`);
  }
  if (h.schedules.length) {
    lines.push('');
    const rows = h.schedules.map((s) => {
      const r = s.lastRun;
      const changes = r?.changes ? `${r.changes.newFindings} new, ${r.changes.reopenedFindings} reopened, ${r.changes.disappeared} gone` : '-';
      return [s.name, s.cron, localTime(s.nextRun, s.timezone), r ? `${r.startedAt} ${r.status}` : '-', r?.scanId == null ? '-' : String(r.scanId), changes, r?.error ?? ''];
    });
    lines.push(renderTable(['SCHEDULE', 'CRON', 'NEXT RUN', 'LAST RUN', 'SCAN', 'CHANGES', 'ERROR'], rows, 60));
  }
  lines.push('', `alerts: ${h.alerts.pending} pending, ${h.alerts.delivered} delivered, ${h.alerts.failed} failed`);
  for (const a of h.failedAlerts) lines.push(`  failed: alert ${a.id} (schedule ${a.schedule}, ${a.createdAt}) after ${a.attempts} attempts: ${a.lastError ?? '?'}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function status(flags: DaemonFlags): Promise<void> {
  const schedules = await openScheduleStore(flags.db);
  try {
    const h = await readHealth(schedules, new Date(), HEARTBEAT_MS);
    if (flags.json) process.stdout.write(`${JSON.stringify(h, null, 2)}\n`);
    else printHealth(h, flags.db);
    process.exitCode = h.healthy ? 0 : 1;
  } finally {
    await schedules.close();
  }
}

async function daemon(flags: DaemonFlags): Promise<void> {
  if (flags.status) return status(flags);
  const channels = channelsFrom(flags, process.env);
  const siteName = flags.site ?? process.env.CAMAUDIT_SITE;
  const site = siteName ? parseSiteName(siteName, '--site') : defaultSite();
  const rt = await openScheduleRuntime(flags.db);
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const controller = new AbortController();
  const stop = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log(`${sig} again: exiting now; the next daemon marks unfinished runs abandoned`);
      process.exit(130);
    }
    log(`${sig}: stopping after the scans in progress are stored`);
    controller.abort();
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  try {
    await runDaemon({
      ...rt,
      owner: currentOwner(),
      channels,
      lockTtlMs: LOCK_TTL_MS,
      now: () => new Date(),
      log,
      signal: controller.signal,
      version: VERSION,
      delivery: DEFAULT_DELIVERY,
      tickMs: 1000,
      heartbeatMs: HEARTBEAT_MS,
      site,
    });
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
    await rt.close();
  }
}

export function registerDaemon(program: Command): void {
  const command = program
    .command('daemon')
    .summary('run scheduled scans and send change alerts, until stopped')
    .description(
      'Run the schedules in the database when they are due, one at a time per schedule, and alert on change: new findings, reopened findings and devices that disappeared. SIGTERM or SIGINT stops it after the scans in progress are stored.',
    )
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--site <name>', 'the site this daemon scans: it runs every schedule added without --site once per fire time for this site, and those added with this --site (default: $CAMAUDIT_SITE, else the host name)')
    .option('--status', 'report health instead: daemons, last and next runs, alert delivery; exit 0 only when a daemon is running')
    .option('--json', 'with --status: JSON instead of text');
  addChannelOptions(command)
    .addHelpText(
      'after',
      `
Alert channels here apply to every schedule, on top of each schedule's own. $CAMAUDIT_WEBHOOK_URL stands for --webhook.

Examples:
  $ sudo camaudit daemon --db /var/lib/camaudit/camaudit.db
  $ sudo camaudit daemon --webhook https://hooks.example.org/camaudit --webhook-secret-file /etc/camaudit/hook.key
  $ sudo camaudit daemon --on-change 'jq -r ".newFindings[].ip" | mail -s "camaudit: restricted device" it@example.org'
  $ camaudit daemon --status || echo "the camaudit daemon is down"`,
    )
    .action(daemon);
}
