// Starting one device process (dist/lab/device.js) inside its namespace and waiting for its `ready` line.

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError } from './errors.js';

/**
 * The compiled device entry, found from this module's own location so that neither the cwd nor how the lab is
 * loaded matters: dist/lab/device.js next to dist/lab/*.js, or the package's dist/ when loaded from src/ (vitest).
 */
export function defaultDeviceScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(dirname(here), 'device.js');
  return resolve(dirname(here), '..', '..', 'dist', 'lab', 'device.js');
}

function deviceEnv(): NodeJS.ProcessEnv {
  // A minimal environment: nothing of the parent's NODE_OPTIONS, loaders or test-runner variables.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' };
  for (const k of ['HOME', 'LANG', 'TZ'] as const) if (process.env[k]) env[k] = process.env[k];
  return env;
}

function tail(file: string, max = 2000): string {
  try {
    const t = readFileSync(file, 'utf8').trim();
    return t.length > max ? `…${t.slice(-max)}` : t;
  } catch {
    return '';
  }
}

export interface DeviceStart {
  readonly name: string;
  readonly ns: string;
  readonly node: string;
  readonly script: string;
  readonly configFile: string;
  readonly stderrFile: string;
  /** Working directory of the device (the lab dir: the caller's cwd may be anything, even deleted). */
  readonly cwd: string;
  readonly timeoutMs: number;
}

export interface StartedDevice {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves on `ready`; rejects on exit, spawn error or timeout, with the device's stderr in the message. */
  readonly ready: Promise<void>;
}

export function startDevice(opts: DeviceStart): StartedDevice {
  const errFd = openSync(opts.stderrFile, 'a');
  let child: ChildProcess;
  try {
    // `ip netns exec` execs node in place, so child.pid is the device process itself.
    child = spawn('ip', ['netns', 'exec', opts.ns, opts.node, opts.script, opts.configFile], {
      stdio: ['ignore', 'pipe', errFd],
      env: deviceEnv(),
      cwd: opts.cwd,
    });
  } finally {
    closeSync(errFd);
  }
  const ready = new Promise<void>((resolvePromise, reject) => {
    let out = '';
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolvePromise();
    };
    const why = (): string => {
      const t = tail(opts.stderrFile);
      return t ? `: ${t}` : '';
    };
    const timer = setTimeout(() => finish(new LabError(`device ${opts.name} not ready after ${opts.timeoutMs} ms${why()}`)), opts.timeoutMs);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      if (settled) return;
      out += chunk;
      if (/^ready$/m.test(out)) finish();
      else if (out.length > 65536) out = out.slice(-1024);
    });
    child.on('error', (err) => finish(new LabError(`device ${opts.name} could not start: ${err.message}`)));
    // stderr goes straight to a file the child wrote synchronously, so it is complete once the child has exited.
    child.on('exit', (code, sig) => finish(new LabError(`device ${opts.name} exited (${code ?? sig}) before it was ready${why()}`)));
  });
  ready.catch(() => undefined);
  return { name: opts.name, child, ready };
}

/** Resolves once every child has exited, or after `ms`. */
export function waitExit(children: readonly ChildProcess[], ms: number): Promise<void> {
  const pending = children.filter((c) => c.exitCode === null && c.signalCode === null);
  if (pending.length === 0) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(resolvePromise, ms);
    let left = pending.length;
    for (const c of pending)
      c.once('exit', () => {
        if (--left === 0) {
          clearTimeout(timer);
          resolvePromise();
        }
      });
  });
}
