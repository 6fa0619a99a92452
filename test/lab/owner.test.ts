// A lab owned by another process that loads the compiled dist/lab (as `camaudit demo` does), from a cwd that is
// not the package: the lab must work there, and must be gone after the owner stops it, is signalled, crashes or is
// SIGKILLed (the last one is cleaned up by removeStaleLabs()). Needs root and a built dist/.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStaleLabs } from '../../src/lab/netns.js';
import { processAlive, processStartTicks } from '../../src/lab/teardown.js';
import { labNamespaces, processesMentioning } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const distLab = (f: string): string => new URL(`../../dist/lab/${f}`, import.meta.url).href;

/**
 * The owner: `node owner.mjs <mode> <child script>`. Prints one JSON line once the lab is up. Mode `demo` runs
 * the child script in the scanner namespace, stops the lab and exits; `wait` waits for a signal; `throw` dies of
 * an uncaught error. Other modes start a one-device lab to stay quick.
 */
const OWNER = `
import { startLab } from ${JSON.stringify(distLab('netns.js'))};
import { defaultLab } from ${JSON.stringify(distLab('topology.js'))};
const [mode, child] = process.argv.slice(2);
const full = defaultLab();
const small = { ...full, segments: [full.segments[0]], routers: [], scanner: { ...full.scanner, routes: [] }, devices: [full.devices[0]] };
let t = Date.now();
const lab = await startLab(mode === 'demo' ? full : small);
const info = { prefix: lab.prefix, dir: lab.dir, pids: lab.devices.map((d) => d.pid).filter(Boolean), startMs: Date.now() - t, timings: lab.timings };
if (mode === 'demo') {
  const run = await lab.nodeInScanner(child, ['one arg', '--flag'], { env: { CALAB_PASS: 'passed', CALAB_DROP: undefined }, timeoutMs: 10000 });
  t = Date.now();
  await lab.stop();
  console.log(JSON.stringify({ ...info, run, stopMs: Date.now() - t }));
} else {
  console.log(JSON.stringify(info));
  if (mode === 'throw') setTimeout(() => { throw new Error('owner crashed'); }, 10);
  else setInterval(() => {}, 1000);
}`;

/** Runs in the scanner namespace: reports what it was given and where it runs. */
const CHILD = `
import { networkInterfaces } from 'node:os';
const v4 = Object.entries(networkInterfaces()).flatMap(([n, a]) => a.filter((x) => x.family === 'IPv4').map((x) => n + '=' + x.address));
console.log(JSON.stringify({ argv: process.argv.slice(2), pass: process.env.CALAB_PASS ?? null, drop: process.env.CALAB_DROP ?? null, v4 }));`;

interface OwnerInfo {
  prefix: string;
  dir: string;
  pids: number[];
  startMs: number;
  timings: unknown;
  stopMs?: number;
  run?: { code: number; stdout: string; stderr: string };
}

interface Owner {
  child: ChildProcess;
  info: Promise<OwnerInfo>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

describe.skipIf(!isRoot)('a lab owned by a compiled-code process', () => {
  let work: string;
  const script = (name: string): string => join(work, name);

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'calab-owner-'));
    writeFileSync(script('owner.mjs'), OWNER);
    writeFileSync(script('child.mjs'), CHILD);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function startOwner(mode: string): Owner {
    // cwd is the scratch dir, not the package: the device script must be found from dist/lab itself.
    const child = spawn(process.execPath, [script('owner.mjs'), mode, script('child.mjs')], {
      cwd: work,
      env: { ...process.env, CALAB_DROP: 'must not reach the child' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((r) =>
      child.on('exit', (code, signal) => r({ code, signal, stderr: err })),
    );
    const info = new Promise<OwnerInfo>((res, rej) => {
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const line = out.split('\n')[0]!;
        if (out.includes('\n')) res(JSON.parse(line) as OwnerInfo);
      });
      void exited.then((e) => rej(new Error(`owner exited (${e.code ?? e.signal}) before the lab was up: ${e.stderr}`)));
    });
    return { child, info, exited };
  }

  const expectGone = (info: OwnerInfo): void => {
    expect(labNamespaces(info.prefix)).toEqual([]);
    expect(processesMentioning(info.prefix)).toEqual([]);
    expect(existsSync(info.dir)).toBe(false);
  };

  it('runs a script by absolute path in the scanner namespace with env passthrough, then stops', async () => {
    const owner = startOwner('demo');
    const info = await owner.info;
    expect(await owner.exited).toMatchObject({ code: 0, signal: null });
    expect(info.run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(info.run!.stdout)).toEqual({ argv: ['one arg', '--flag'], pass: 'passed', drop: null, v4: ['lo=127.0.0.1', 'eth0=198.18.0.1'] });
    console.log(`defaultLab from a compiled owner: startLab ${info.startMs} ms, stop ${info.stopMs} ms`, info.timings);
    expectGone(info);
  });

  it('is torn down when its owner gets SIGTERM, and the signal still ends the owner', async () => {
    const owner = startOwner('wait');
    const info = await owner.info;
    expect(labNamespaces(info.prefix)).toHaveLength(3);
    owner.child.kill('SIGTERM');
    expect(await owner.exited).toMatchObject({ signal: 'SIGTERM' });
    expectGone(info);
  });

  it('is torn down when its owner dies of an uncaught error', async () => {
    const owner = startOwner('throw');
    const info = await owner.info;
    const exit = await owner.exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('owner crashed');
    expectGone(info);
  });

  it('after a SIGKILLed owner: devices exit by themselves and removeStaleLabs() deletes the rest', async () => {
    const owner = startOwner('wait');
    const info = await owner.info;
    owner.child.kill('SIGKILL');
    await owner.exited;
    // device.ts notices it was re-parented (checked every 500 ms) and exits.
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && info.pids.some(processAlive)) await sleep(100);
    expect(info.pids.filter(processAlive)).toEqual([]);
    removeStaleLabs(); // another test file's startLab may have removed it already: only the end state matters
    expectGone(info);
  });

  it('treats a lab whose owner pid now belongs to another process as stale (pid reuse)', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await sleep(50);
      const ticks = Number(processStartTicks(sleeper.pid!));
      const reused = join(tmpdir(), `calab-${sleeper.pid}-t${ticks - 100}-abcd-old`); // owner started a second earlier
      const live = join(tmpdir(), `calab-${sleeper.pid}-t${ticks}-abce-new`);
      for (const d of [reused, live]) mkdirSync(d);
      expect(removeStaleLabs()).toContain(`calab-${sleeper.pid}-t${ticks - 100}-abcd`);
      expect(existsSync(reused)).toBe(false);
      expect(existsSync(live)).toBe(true);
      rmSync(live, { recursive: true });
    } finally {
      sleeper.kill();
    }
  });
});
