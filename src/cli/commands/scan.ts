// `camaudit scan`: discover, identify, judge, store; print a summary (or JSON) and exit with the
// status the output contract promises (0 complete, 1 flagged with --fail-on-flagged, 2 usage, 130 interrupted).
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { parseTargets } from '../../core/targets.js';
import type { ProbeStatus, SourceId } from '../../core/types.js';
import { toJson } from '../../export/json.js';
import { loadKnowledge } from '../../knowledge/load.js';
import { ouiRegistry as loadOuiRegistry } from '../../knowledge/oui.js';
import { defaultTargetSpecs, localInterfaces } from '../../net/interfaces.js';
import { resolvePolicy } from '../../policy/judge.js';
import { scan } from '../../scan.js';
import { ALL_SOURCES } from '../../sources/index.js';
import type { Credentials, SourceOptions } from '../../sources/types.js';
import { openStore } from '../store.js';
import { commaList, defaultDbPath, oneOf, positiveInt, readSecretFile, repeatable } from '../options.js';
import { createProgress } from '../progress.js';
import { printScanSummary } from '../summary.js';

interface ScanFlags {
  db: string;
  policy?: string[];
  json?: boolean;
  failOnFlagged?: boolean;
  force?: boolean;
  allowPublic?: boolean;
  exclude?: string[];
  sweep: SourceOptions['sweep'];
  nmapPath: string;
  timeout: number;
  disable?: string[];
  onvifUser?: string;
  onvifPasswordFile?: string;
  progress: boolean;
}

const SOURCE_IDS = ALL_SOURCES.map((s) => s.id);

function credentials(flags: ScanFlags): Credentials | null {
  if (!flags.onvifUser) {
    if (flags.onvifPasswordFile) throw new UsageError('--onvif-password-file needs --onvif-user');
    return null;
  }
  const password = flags.onvifPasswordFile ? readSecretFile(flags.onvifPasswordFile, 'the ONVIF password') : process.env.CAMAUDIT_ONVIF_PASSWORD;
  if (!password) throw new UsageError('--onvif-user needs a password: set CAMAUDIT_ONVIF_PASSWORD or pass --onvif-password-file FILE');
  return { username: flags.onvifUser, password };
}

export async function runScan(specs: string[], flags: ScanFlags): Promise<number> {
  const interfaces = localInterfaces();
  const given = specs.length > 0;
  const chosen = given ? specs : defaultTargetSpecs(interfaces);
  if (chosen.length === 0) throw new UsageError('no targets given and no up, non-loopback IPv4 interface to take them from');
  const targets = parseTargets(chosen, { force: flags.force, allowPublic: flags.allowPublic, exclude: flags.exclude });
  const disabled = (flags.disable ?? []).map((id) => oneOf('source in --disable', SOURCE_IDS)(id)) as SourceId[];
  const knowledge = loadKnowledge();
  const policy = resolvePolicy(knowledge, flags.policy ?? null);
  const sources: SourceOptions = {
    timeouts: { unicastMs: flags.timeout, multicastMs: Math.max(flags.timeout, 1500), tcpMs: flags.timeout, sweepMs: Math.max(60_000, targets.size * 50) },
    sweep: flags.sweep,
    nmapPath: flags.nmapPath,
    onvifCredentials: credentials(flags),
  };
  const store = await openStore(flags.db, knowledge); // before scanning: a bad database fails fast
  const oui = loadOuiRegistry();

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
    const result = await scan(
      {
        targets,
        interfaces,
        policy,
        sources,
        disabled,
        signal: controller.signal,
        onStart: (sweep) => {
          if (!flags.json) process.stderr.write(`camaudit: host discovery by ${sweep.source.id} (${sweep.why})\n`);
        },
        onProgress: (p) => progress.update(`scanning ${targets.specs.join(' ')} · sweep ${p.sweep}% · ${p.hosts} hosts · probes ${p.probesDone}/${p.probesDone + p.probesQueued} · ${((Date.now() - t0) / 1000).toFixed(1)} s`),
      },
      knowledge,
      oui,
    );
    progress.done();
    const id = await store.saveScan(result);
    const doc = await store.exportDocument(id, {});
    if (flags.json) process.stdout.write(toJson(doc!));
    else printScanSummary(doc!, result.runs, Date.now() - t0);
    if (result.scan.status === 'interrupted') return 130;
    const flagged = result.devices.some((d) => d.restriction);
    return flags.failOnFlagged && flagged ? 1 : 0;
  } finally {
    progress.done();
    process.off('SIGINT', stop).off('SIGTERM', stop);
    await store.close();
  }
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .summary('discover devices, identify their makers and flag restricted ones')
    .description('Discover live hosts on the targets, identify who made each one, flag those whose maker is on a restriction list, and store the scan.')
    .argument('[TARGET...]', 'IPv4 address, CIDR (192.168.1.0/24) or range (192.168.1.10-20); default: the subnets of this host\'s interfaces')
    .option('--db <file>', 'SQLite database (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--policy <lists>', 'restriction lists to apply, comma-separated (default: us-fcc-covered-list,us-ndaa-fy2019-sec889; see `camaudit lists`)', commaList)
    .option('--json', 'print the stored scan as JSON (the export format) instead of a table')
    .option('--fail-on-flagged', 'exit 1 when any device is flagged (for cron and CI)')
    .option('--force', 'allow more than 65,536 addresses (a /16)')
    .option('--allow-public', 'allow globally routable addresses (only where you are authorised)')
    .option('--exclude <target>', 'never touch this address, CIDR or range (repeatable)', repeatable)
    .option('--sweep <method>', 'host discovery: auto (nmap when root, else built-in), nmap, builtin', oneOf('--sweep', ['auto', 'nmap', 'builtin'] as const), 'auto')
    .option('--nmap-path <path>', 'nmap binary', 'nmap')
    .option('--timeout <ms>', 'deadline for each probe', positiveInt('--timeout'), 1000)
    .option('--disable <source>', `skip a discovery source (repeatable): ${SOURCE_IDS.join(', ')}`, repeatable)
    .option('--onvif-user <name>', 'ONVIF user for devices that refuse anonymous queries; password from $CAMAUDIT_ONVIF_PASSWORD or --onvif-password-file')
    .option('--onvif-password-file <file>', 'file whose first line is the ONVIF password')
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

Root (or CAP_NET_RAW) lets nmap see MAC addresses; without it a built-in sweep reads the kernel ARP table.
Exit status: 0 scan complete, 1 flagged device with --fail-on-flagged, 2 bad usage, 130 interrupted (what was found is kept).`,
    )
    .action(async (targets: string[], flags: ScanFlags) => {
      process.exitCode = await runScan(targets, flags);
    });
}
