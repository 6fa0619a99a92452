// A thin, safe wrapper around `nmap -sn -n -oX <file> --packet-trace` (host discovery only).
// Why not node-nmap 4.0.0: a target string can inject nmap arguments (code execution as root), it
// hangs after errors, drops results when stderr is non-empty and installs process-global handlers
// (see README "Dependencies"). Here: an argument array (no shell), `--` before validated targets,
// streamed XML, stderr kept as warnings, a deadline, and cancellation that kills the process group.
// The XML goes to a private file read as nmap writes it, because stdout carries the packet trace: ARP replies
// as they arrive, where the XML lists a host group's hosts only when its last retransmission is over.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { ProbeStatus } from '../core/types.js';
import { parseSpec, rangeToCidrs, subtractRanges, type Range } from '../core/targets.js';
import { createNmapXmlStream, type NmapEvent } from '../protocols/nmap-xml.js';
import { createNmapTraceStream, type ArpReply } from '../protocols/nmap-trace.js';
import type { Scope } from './scope.js';

export type NmapHost = Extract<NmapEvent, { kind: 'host' }>;

export interface NmapSweepOptions {
  readonly targets: readonly string[]; // the scan's target specs; the scope's exclusions go to --exclude
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly nmapPath?: string;
  readonly extraArgs?: readonly string[];
  readonly onHost: (host: NmapHost) => void;
  /** Each ARP reply nmap receives, as it arrives; the host is not reported again by onHost. */
  readonly onArpReply?: (reply: ArpReply) => void;
  readonly onProgress?: (percent: number) => void;
}

export interface NmapSweepResult {
  readonly status: ProbeStatus;
  readonly error?: string;
  readonly hosts: number;
  readonly warnings: readonly string[];
}

// Flags a caller may add. Anything that writes files, runs scripts or changes the scan type is absent.
const ALLOWED_EXTRA = /^(?:-T[0-5]|--max-retries=\d{1,2}|--min-rate=\d{1,6}|--max-rtt-timeout=\d{1,5}ms|--initial-rtt-timeout=\d{1,5}ms|--host-timeout=\d{1,6}ms|-e=[\w.-]{1,15}|--disable-arp-ping|--send-ip)$/;

export interface NmapLimits {
  /** Addresses inside the targets nmap must not touch (--exclude). */
  readonly exclude?: readonly Range[];
  /** Packets per second, as both --min-rate and --max-rate: a steady pace, not nmap's slow start. */
  readonly rate?: number;
  readonly extra?: readonly string[];
}

/** `xmlPath`: where nmap writes its XML (stdout, `-`, would silence the packet trace). */
export function nmapArgs(targets: readonly string[], xmlPath: string, limits: NmapLimits = {}): string[] {
  // nmap reads "a-b" as a host name (it only knows octet ranges such as 198.18.0.31-39), resolves it, and
  // scans nothing: every target goes as exact CIDR blocks. parseSpec throws for anything not an address.
  const blocks = targets.flatMap((t) => rangeToCidrs(parseSpec(t)));
  const extra = limits.extra ?? [];
  for (const a of extra) if (!ALLOWED_EXTRA.test(a)) throw new Error(`nmap argument not allowed: ${JSON.stringify(a)}`);
  const flags = extra.flatMap((a) => (a.includes('=') && !a.startsWith('--') ? a.split('=') : [a]));
  const exclude = (limits.exclude ?? []).flatMap(rangeToCidrs);
  if (exclude.length) flags.push('--exclude', exclude.join(','));
  if (limits.rate !== undefined) {
    const rate = String(Math.max(1, Math.floor(limits.rate)));
    flags.push('--min-rate', rate, '--max-rate', rate);
  }
  return ['-sn', '-n', '-oX', xmlPath, '--packet-trace', '--stats-every', '1s', ...flags, '--', ...blocks];
}

export function runNmapSweep(scope: Scope, opts: NmapSweepOptions): Promise<NmapSweepResult> {
  let args: string[];
  let xml: XmlFile | null = null;
  try {
    // What nmap may touch: the targets minus the exclusions, which go along as --exclude.
    for (const t of opts.targets) {
      if (subtractRanges([parseSpec(t)], [...scope.targets.ranges, ...scope.excluded]).length) throw new Error(`nmap target ${t} is outside the scan targets`);
    }
    xml = createXmlFile();
    args = nmapArgs(opts.targets, xml.path, { exclude: scope.excluded, rate: scope.pace.sweepRate, extra: opts.extraArgs ?? [] });
  } catch (err) {
    xml?.remove(); // an extra argument nmapArgs refused
    return Promise.resolve({ status: 'error', error: (err as Error).message, hosts: 0, warnings: [] });
  }
  return new Promise((resolve) => {
    const child = spawn(opts.nmapPath ?? 'nmap', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const replied = new Set<string>();
    const parser = createNmapXmlStream({ known: (ip) => replied.has(ip) });
    const trace = createNmapTraceStream();
    let hosts = 0;
    let stderr = '';
    let stopped: string | null = null;
    let spawnError: NodeJS.ErrnoException | null = null;
    const kill = (why: string) => {
      stopped ??= why;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => kill(`no result within ${opts.timeoutMs} ms`), opts.timeoutMs);
    const onAbort = () => kill('aborted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const handle = (events: NmapEvent[]) => {
      for (const ev of events) {
        if (ev.kind === 'host' && ev.state === 'up') {
          hosts++;
          opts.onHost(ev);
        } else if (ev.kind === 'progress') opts.onProgress?.(ev.percent);
        else if (ev.kind === 'error') stderr += `unparsable nmap output: ${ev.message}\n`;
      }
    };
    const poll = setInterval(() => handle(parser.push(xml.read())), XML_POLL_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const reply of trace.push(chunk)) {
        if (replied.has(reply.ip)) continue; // nmap may ask again and hear twice
        replied.add(reply.ip);
        hosts++;
        opts.onArpReply?.(reply);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 16_384) stderr += d;
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnError = err;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      opts.signal?.removeEventListener('abort', onAbort);
      handle(parser.push(xml.read()));
      handle(parser.end());
      xml.remove();
      const warnings = stderr.trim() ? stderr.trim().split('\n').slice(0, 20) : [];
      if (spawnError) {
        const missing = spawnError.code === 'ENOENT';
        resolve({ status: missing ? 'tool-missing' : 'error', error: missing ? 'nmap is not installed' : spawnError.message, hosts, warnings });
      } else if (stopped) resolve({ status: stopped === 'aborted' ? 'skipped' : 'timeout', error: `nmap stopped: ${stopped}`, hosts, warnings });
      else if (code !== 0) resolve({ status: 'error', error: `nmap exited with ${code ?? signal}: ${warnings[0] ?? 'no message'}`, hosts, warnings });
      else resolve({ status: 'ok', hosts, warnings });
    });
  });
}

// nmap writes the XML of a host group when the group is done; reading what is new this often is plenty.
const XML_POLL_MS = 100;

interface XmlFile {
  readonly path: string;
  /** The text written since the last call. */
  read(): string;
  remove(): void;
}

/** An empty file in a directory of our own (mode 0700: nothing else can swap it), read as nmap appends to it. */
function createXmlFile(): XmlFile {
  const dir = mkdtempSync(join(tmpdir(), 'camaudit-nmap-'));
  const path = join(dir, 'sweep.xml');
  writeFileSync(path, '', { mode: 0o600 });
  const fd = openSync(path, 'r'); // nmap truncates and writes the same file: this descriptor sees it all
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.alloc(64 * 1024);
  let offset = 0;
  let open = true;
  return {
    path,
    read() {
      let text = '';
      for (let n = open ? readSync(fd, buf, 0, buf.length, offset) : 0; n > 0; n = readSync(fd, buf, 0, buf.length, offset)) {
        offset += n;
        text += decoder.write(buf.subarray(0, n));
      }
      return text;
    },
    remove() {
      if (open) closeSync(fd);
      open = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * An executable file named `nmapPath`, or found under that name on PATH. A lookup, not `nmap --version`: running it
 * cost ~30 ms at every scan, and an nmap that is there but broken still reports its failure when the sweep runs.
 */
export function nmapInstalled(nmapPath: string): boolean {
  const dirs = nmapPath.includes('/') ? [''] : (process.env.PATH ?? '').split(':').filter(Boolean);
  return dirs.some((dir) => {
    const file = dir ? join(dir, nmapPath) : nmapPath;
    try {
      const st = statSync(file);
      return st.isFile() && (st.mode & 0o111) !== 0;
    } catch {
      return false;
    }
  });
}
