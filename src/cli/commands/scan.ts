// `camaudit scan`: discover, identify, judge, store; print a summary (or JSON) and exit with the
// status the output contract promises (0 complete, 1 flagged with --fail-on-flagged, 2 usage, 130 interrupted).
import type { Command } from 'commander';
import { toJson } from '../../export/json.js';
import { loadKnowledge } from '../../knowledge/load.js';
import { ouiRegistry as loadOuiRegistry } from '../../knowledge/oui.js';
import { checkDb, keepBeside, openStore } from '../store.js';
import type { Store } from '../../store/store.js';
import { defaultDbPath } from '../options.js';
import { createProgress } from '../progress.js';
import { addScanSettingOptions, planScan, scanAndStore, type ScanSettings } from '../scan-job.js';
import { printScanSummary } from '../summary.js';

interface ScanFlags extends ScanSettings {
  db: string;
  json?: boolean;
  failOnFlagged?: boolean;
  progress: boolean;
}

export async function runScan(specs: string[], flags: ScanFlags): Promise<number> {
  const knowledge = loadKnowledge();
  const plan = planScan(specs, flags, knowledge);
  const { targets, given } = plan;
  checkDb(flags.db); // a database that cannot be opened at all fails before any packet; the store opens once the scan has started
  let store: Store | undefined;
  const open = async () => (store = await openStore(flags.db, plan.policy.knowledge)); // names include a policy file's makers

  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130); // second Ctrl-C: leave now
    controller.abort();
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  const progress = createProgress(flags.progress);
  const t0 = Date.now();
  try {
    if (!given && !flags.json) process.stderr.write(`camaudit: no targets given; scanning this host's subnets: ${targets.specs.join(' ')}\n`);
    const { id, result, timedOut } = await scanAndStore(plan, { store: open, knowledge, oui: loadOuiRegistry, fallback: keepBeside(flags.db, plan.policy.knowledge) }, controller.signal, {
      onStart: (sweep) => {
        if (!flags.json) process.stderr.write(`camaudit: host discovery by ${sweep.source.id} (${sweep.why})\n`);
      },
      onProgress: (p) => progress.update(`scanning ${targets.specs.join(' ')} · sweep ${p.sweep}% · ${p.hosts} hosts · probes ${p.probesDone}/${p.probesDone + p.probesQueued} · ${((Date.now() - t0) / 1000).toFixed(1)} s`),
    });
    progress.done();
    if (timedOut) process.stderr.write(`camaudit: --max-time ${flags.maxTime} s reached; what was found is stored as an interrupted scan\n`);
    const doc = await store!.exportDocument(id, {});
    if (flags.json) process.stdout.write(toJson(doc!));
    else printScanSummary(doc!, result.runs, Date.now() - t0);
    if (result.scan.status === 'interrupted') return 130;
    const flagged = result.devices.some((d) => d.restriction);
    return flags.failOnFlagged && flagged ? 1 : 0;
  } finally {
    progress.done();
    process.off('SIGINT', stop).off('SIGTERM', stop);
    await store?.close();
  }
}

export function registerScan(program: Command): void {
  const command = program
    .command('scan')
    .summary('discover devices, identify their makers and flag restricted ones')
    .description('Discover live hosts on the targets, identify who made each one, flag those whose maker is on a restriction list, and store the scan.')
    .argument('[TARGET...]', 'IPv4 address, CIDR (192.168.1.0/24) or range (192.168.1.10-20); default: the subnets of this host\'s interfaces')
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--json', 'print the stored scan as JSON (the export format) instead of a table')
    .option('--fail-on-flagged', 'exit 1 when any device is flagged (for cron and CI)');
  addScanSettingOptions(command)
    .option('--no-progress', 'no progress line on stderr')
    .addHelpText(
      'after',
      `
Examples:
  $ sudo camaudit scan 192.168.1.0/24                 scan one subnet, store it in ./camaudit.db
  $ sudo camaudit scan 10.0.5.0/24 10.0.6.10-60 --db audit.db
  $ sudo camaudit scan --json 192.168.1.0/24 | jq '.devices[] | select(.flagged)'
  $ sudo camaudit scan --fail-on-flagged 192.168.1.0/24 || mail -s "restricted device found" it@example.org
  $ CAMAUDIT_ONVIF_PASSWORD=… sudo -E camaudit scan --onvif-user audit 192.168.1.0/24
  $ sudo camaudit scan --credentials creds.yaml 192.168.1.0/24       creds.yaml (chmod 600): onvif: [{username, password, cidrs}]
  $ sudo camaudit scan --rate 50 --max-time 10m --exclude 192.168.1.1 192.168.1.0/24   gentle, bounded, never touching .1

Root (or CAP_NET_RAW) lets nmap see MAC addresses; without it a built-in sweep reads the kernel ARP table.
Exit status: 0 scan complete, 1 flagged device with --fail-on-flagged, 2 bad usage, 130 interrupted by a signal or --max-time (what was found is kept).`,
    )
    .action(async (targets: string[], flags: ScanFlags) => {
      process.exitCode = await runScan(targets, flags);
    });
}
