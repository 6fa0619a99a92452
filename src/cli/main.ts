// Entry point: commander wiring and the single place where errors become messages and exit codes.
import { Command, CommanderError } from 'commander';
import { DataError, StoreError, UsageError } from '../core/errors.js';
import { registerDaemon } from './commands/daemon.js';
import { registerDb } from './commands/db.js';
import { registerDemo } from './commands/demo.js';
import { registerDevices } from './commands/devices.js';
import { registerDiff } from './commands/diff.js';
import { registerExplain } from './commands/explain.js';
import { registerExport } from './commands/export.js';
import { registerFindings } from './commands/findings.js';
import { registerHistory } from './commands/history.js';
import { registerLists } from './commands/lists.js';
import { registerReevaluate } from './commands/reevaluate.js';
import { registerPolicy } from './commands/policy.js';
import { registerPush } from './commands/push.js';
import { registerScan } from './commands/scan.js';
import { registerScans } from './commands/scans.js';
import { registerSchedule } from './commands/schedule.js';
import { VERSION } from './version.js';

export function buildProgram(): Command {
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
  registerScan(program);
  registerExport(program);
  registerDevices(program);
  registerScans(program);
  registerDiff(program);
  registerFindings(program);
  registerHistory(program);
  registerReevaluate(program);
  registerExplain(program);
  registerLists(program);
  registerPolicy(program);
  registerDb(program);
  registerPush(program);
  registerSchedule(program);
  registerDaemon(program);
  registerDemo(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv as string[]);
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
