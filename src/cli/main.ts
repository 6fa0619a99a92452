// Entry point: commander wiring and the single place where errors become messages and exit codes.
// Each command's module is imported only when that command runs (or for the overall help): a command's
// dependencies (the scan pipeline, vendor-db, PostgreSQL…) cost the others nothing at start-up.
import { Command, CommanderError } from 'commander';
import { DataError, StoreError, UsageError } from '../core/errors.js';
import { VERSION } from './version.js';

type Register = (program: Command) => void;

/** In the order `camaudit --help` lists them. */
const COMMANDS: Record<string, () => Promise<Register>> = {
  scan: async () => (await import('./commands/scan.js')).registerScan,
  export: async () => (await import('./commands/export.js')).registerExport,
  devices: async () => (await import('./commands/devices.js')).registerDevices,
  scans: async () => (await import('./commands/scans.js')).registerScans,
  diff: async () => (await import('./commands/diff.js')).registerDiff,
  findings: async () => (await import('./commands/findings.js')).registerFindings,
  history: async () => (await import('./commands/history.js')).registerHistory,
  reevaluate: async () => (await import('./commands/reevaluate.js')).registerReevaluate,
  explain: async () => (await import('./commands/explain.js')).registerExplain,
  lists: async () => (await import('./commands/lists.js')).registerLists,
  policy: async () => (await import('./commands/policy.js')).registerPolicy,
  db: async () => (await import('./commands/db.js')).registerDb,
  push: async () => (await import('./commands/push.js')).registerPush,
  schedule: async () => (await import('./commands/schedule.js')).registerSchedule,
  daemon: async () => (await import('./commands/daemon.js')).registerDaemon,
  demo: async () => (await import('./commands/demo.js')).registerDemo,
};

/**
 * The program for `argv`: with only the command it names, none for --version, or every command otherwise
 * (help, a typo that commander answers with "did you mean …?").
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const named = argv[2];
  const version = named === '-V' || named === '--version';
  const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : version ? [] : Object.keys(COMMANDS);
  const registers = await Promise.all(wanted.map((name) => COMMANDS[name]!()));
  const program = new Command('camaudit')
    .version(VERSION)
    .description('Find devices made by restricted vendors (FCC Covered List, NDAA §889 …) on your network, prove what was seen, track removal.')
    .exitOverride()
    // One line per error, so a script's log keeps it whole: commander's "(Did you mean …?)" joins the message.
    .configureOutput({
      outputError: (str, write) => write(`${str.trim().replace(/^error: /, 'camaudit: ').replace(/\s*\n\s*/g, ' ')} (see camaudit --help)\n`),
    })
    .addHelpText(
      'after',
      `
Start here:
  $ sudo camaudit scan 192.168.1.0/24          scan a subnet; results go to ./camaudit.db
  $ camaudit export --format csv -o flagged.csv --flagged-only
  $ camaudit diff                               what changed since the previous scan
  $ camaudit findings --status open             flagged devices waiting for someone; then: camaudit findings set …
  $ camaudit lists                              which laws flag what, with citations
  $ camaudit schedule add nightly --cron "0 3 * * *" 192.168.1.0/24   then: camaudit daemon
  $ sudo camaudit demo                          a simulated camera network in namespaces, scanned and torn down`,
    );
  for (const register of registers) register(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await (await buildProgram(argv)).parseAsync(argv as string[]);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and version are not failures; every other commander complaint is bad usage (already printed).
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : 2;
  }
  if (err instanceof UsageError || err instanceof StoreError || err instanceof DataError) {
    process.stderr.write(`camaudit: ${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(`camaudit: internal error (please report): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}
