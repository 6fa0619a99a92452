// The `--on-change "cmd"` channel: the command runs under /bin/sh with the alert JSON on stdin. It succeeds
// by exiting 0 within the deadline; anything else is a failed attempt, retried like a webhook.
import { spawn } from 'node:child_process';
import type { AttemptResult } from './webhook.js';

const STDERR_KEEP = 500;

export interface HookRequest {
  readonly command: string;
  readonly body: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export function runCommandHook(req: HookRequest): Promise<AttemptResult> {
  return new Promise((resolve) => {
    // Its own process group, so a deadline kills the shell and whatever it started.
    const child = spawn('/bin/sh', ['-c', req.command], { stdio: ['pipe', 'ignore', 'pipe'], detached: true, env: { ...process.env, ...req.env } });
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, req.timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });
    child.stdin.on('error', () => {}); // a hook that never reads stdin closes it early: EPIPE is not a failure
    child.stdin.end(req.body);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, error: err.message });
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ ok: false, error: `no exit within ${req.timeoutMs} ms; killed` });
      if (code === 0) return resolve({ ok: true });
      const last = stderr.trim().split('\n').at(-1) ?? '';
      resolve({ ok: false, error: `${sig ? `killed by ${sig}` : `exit ${code}`}${last ? `: ${last}` : ''}` });
    });
  });
}
