// `camaudit demo`: the main job, safe anywhere. It builds the simulated camera network the tests use
// (Linux namespaces, 198.18.0.0/15 only, nothing attached to this host's interfaces), runs the real
// `camaudit scan` inside the scanner namespace, writes the exports, and tears the lab down.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { toCsv } from '../../export/csv.js';
import { toHtml } from '../../export/html.js';
import { toJson } from '../../export/json.js';
import { startLab, type Lab } from '../../lab/netns.js';
import { defaultLab } from '../../lab/topology.js';
import { oneOf } from '../options.js';
import { openStore } from '../store.js';

const CLI = fileURLToPath(new URL('../../../bin/camaudit.js', import.meta.url));

interface DemoFlags {
  out: string;
  sweep: 'auto' | 'nmap' | 'builtin';
}

function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new UsageError('demo builds network namespaces and needs root: run `sudo npx camaudit demo`');
  }
}

/** Runs `camaudit scan` in the scanner namespace with this terminal attached, so its progress and table show live. */
function scanInLab(lab: Lab, args: readonly string[]): Promise<number> {
  return new Promise((done, fail) => {
    const child = lab.spawnInScanner(process.execPath, [CLI, 'scan', ...args], { stdio: 'inherit' });
    child.once('error', fail);
    child.once('exit', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

async function runDemo(flags: DemoFlags): Promise<number> {
  requireRoot();
  const out = resolve(flags.out);
  mkdirSync(out, { recursive: true });
  const db = resolve(out, 'demo.db');
  // Each demo starts a fresh inventory: a second run must show the same lab, not a diff against the first.
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const topology = defaultLab();
  const targets = topology.segments.map((s) => s.cidr);

  process.stderr.write(`camaudit demo: building the lab (${topology.devices.length} simulated devices on ${targets.join(' ')}) …\n`);
  const lab = await startLab(topology);
  let code: number;
  try {
    process.stderr.write(`camaudit demo: scanning from namespace ${lab.scannerNamespace}: camaudit scan ${targets.join(' ')}\n\n`);
    code = await scanInLab(lab, [...targets, '--db', db, '--sweep', flags.sweep]);
  } finally {
    await lab.stop();
    process.stderr.write('camaudit demo: lab torn down\n');
  }
  if (code !== 0) return code;

  const store = await openStore(db);
  try {
    const doc = await store.exportDocument('latest', {});
    if (!doc) throw new Error(`the scan stored nothing in ${db}`);
    const html = resolve(out, 'report.html');
    const json = resolve(out, 'findings.json');
    const csv = resolve(out, 'findings.csv');
    writeFileSync(html, toHtml({ title: 'camaudit demo: simulated camera network', generatedAt: new Date().toISOString(), document: doc, scans: await store.listScans() }));
    writeFileSync(json, toJson(doc));
    writeFileSync(csv, toCsv(doc));
    const flagged = doc.devices.filter((d) => d.flagged).length;
    process.stdout.write(`\n${flagged} of ${doc.devices.length} devices flagged.\nDatabase: ${db}\nReport:   ${html}\n          ${json}\n          ${csv}\n`);
  } finally {
    await store.close();
  }
  return 0;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .summary('scan a simulated camera network built in network namespaces (needs root)')
    .description(
      'Build a simulated network of Hikvision, Dahua, EZVIZ, Imou, relabelled, Axis, Hanwha, Bosch, Huawei, ZTE and Hytera devices in Linux network namespaces (198.18.0.0/15 only; ' +
        "this host's own interfaces are never used), scan it with the real `camaudit scan`, write the findings, and tear the network down.",
    )
    .option('--out <dir>', 'where the database and reports go', './camaudit-demo')
    .option('--sweep <method>', 'host discovery: auto, nmap, builtin', oneOf('--sweep', ['auto', 'nmap', 'builtin'] as const), 'auto')
    .addHelpText('after', '\nExample:\n  $ sudo npx camaudit demo --out /tmp/demo\n')
    .action(async (flags: DemoFlags) => {
      process.exitCode = await runDemo(flags);
    });
}
