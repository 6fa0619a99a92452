// Running a command inside one lab namespace (`ip netns exec`) and collecting its output.

import { spawn } from 'node:child_process';

export interface ExecOptions {
  readonly timeoutMs?: number;
  /** Merged over process.env; a key set to undefined removes that variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly input?: string | Buffer;
  /** Cap per stream (characters); default 32 Mi. */
  readonly maxOutput?: number;
}

export interface ExecResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly ms: number;
}

/** Never rejects: a command that cannot start resolves with code null and the error in stderr. */
export function execInNs(ns: string, cmd: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const started = Date.now();
  const max = opts.maxOutput ?? 32 * 1024 * 1024;
  return new Promise((resolvePromise) => {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // own process group, so a timeout can kill the command and everything it started
      env: { ...process.env, ...(opts.env ?? {}) },
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < max) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < max) stderr += d;
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            try {
              process.kill(-child.pid!, 'SIGKILL');
            } catch {
              /* gone */
            }
          }, opts.timeoutMs)
        : null;
    const done = (code: number | null, signal: NodeJS.Signals | null, extra = ''): void => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr: stderr + extra, timedOut, ms: Date.now() - started });
    };
    child.on('error', (err) => done(null, null, String(err)));
    child.on('close', (code, signal) => done(code, signal));
  });
}
