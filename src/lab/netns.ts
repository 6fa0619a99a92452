// The namespace lab: builds a LabTopology out of Linux network namespaces, starts one device process per device
// with services, and tears it all down again. Needs root (or CAP_SYS_ADMIN + CAP_NET_ADMIN) and iproute2.
//
// Layout for a lab with prefix P (`calab-<owner pid>-t<owner start ticks>-<4 hex>`, see teardown.ts):
//   P-br        one Linux bridge per segment (br-<segment id>, mcast_snooping 0, STP off), bridge ports p0, p1, …
//   P-<host>    one namespace per host (the scanner, each device, each router), interface eth0 (routers: eth0, eth1, …)
//               with the profile's MAC and address; every single-homed host has `224.0.0.0/4 dev eth0` plus its own routes.
//               Routers get net.ipv4.ip_forward=1. Nothing is attached to the host's own interfaces, and no namespace has
//               a route anywhere but the lab's 198.18.0.0/15 segments.
// Every `ip` call is created directly inside a lab namespace (`ip -n`), with argument arrays (no shell), so the host's
// own network namespace is never touched.
//
// Teardown (teardown.ts) kills every process in every P-* namespace, then deletes the namespaces. It runs from
// Lab.stop(), on SIGINT/SIGTERM/SIGHUP and on exit of the process that started the lab (live-labs.ts), and from
// removeStaleLabs() for labs whose owner process has died.
//
// Usage from compiled code (paths resolve from this module, not the cwd):
//   const lab = await startLab(defaultLab());
//   try { await lab.nodeInScanner('/abs/bin/camaudit.js', ['scan', '198.18.0.0/24'], { env: { X: '1' } }); }
//   finally { await lab.stop(); }

import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceRuntimeConfig } from './device.js';
import { type StartedDevice, defaultDeviceScript, startDevice, waitExit } from './device-process.js';
import { LabError, LabStartError } from './errors.js';
import { type ExecOptions, type ExecResult, execInNs } from './exec.js';
import { registerLive, unregisterLive } from './live-labs.js';
import { type LogRecord, readLogFile } from './log.js';
import { buildCrowds } from './crowd.js';
import { type LabNetwork, buildNetwork } from './network.js';
import { newPrefix, removeStaleLabs, teardownPrefix } from './teardown.js';
import { type DeviceProfile, type LabTopology, parseCidr, validateTopology } from './topology.js';

export { LabError, LabStartError } from './errors.js';
export type { ExecOptions, ExecResult } from './exec.js';
export { listNamespaces } from './iproute.js';
export { LAB_PREFIX_FAMILY, removeStaleLabs } from './teardown.js';

export interface LabDevice {
  readonly name: string;
  readonly ip: string;
  readonly mac: string;
  readonly namespace: string;
  readonly profile: DeviceProfile;
  /** The device process (null for a device without services: the kernel alone answers ARP and ping). */
  readonly pid: number | null;
  /** Its request log (null without services). */
  readonly logFile: string | null;
}

export interface LabTimings {
  readonly namespacesMs: number;
  readonly devicesMs: number;
  readonly totalMs: number;
}

export interface Lab {
  readonly prefix: string;
  /** Holds each device's runtime config (<name>.json), request log (<name>.log) and stderr (<name>.stderr). */
  readonly dir: string;
  readonly topology: LabTopology;
  readonly scannerNamespace: string;
  readonly bridgeNamespace: string;
  /** Every namespace of the lab. */
  readonly namespaces: readonly string[];
  readonly devices: readonly LabDevice[];
  readonly timings: LabTimings;
  device(name: string): LabDevice;
  namespaceOf(hostName: string): string;
  /** `ip netns exec <scanner ns> cmd ...args`; opts.env is merged over process.env. Same process group as ours. */
  spawnInScanner(cmd: string, args: readonly string[], opts?: SpawnOptions): ChildProcess;
  /** Runs a command in the scanner namespace in its own process group; never rejects. */
  execInScanner(cmd: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /**
   * Runs a Node script (absolute, or relative to opts.cwd / our cwd) in the scanner namespace with this process's
   * node binary, e.g. the absolute path of bin/camaudit.js. opts.env is merged over process.env.
   */
  nodeInScanner(script: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  execIn(namespace: string, cmd: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Request-log records of one device, or of all devices ordered by time. */
  readLog(device?: string): LogRecord[];
  /** Kills every process in every lab namespace and deletes them. Idempotent; never throws. */
  stop(): Promise<void>;
}

export interface StartLabOptions {
  /** Directory for configs and logs; default a fresh `<tmpdir>/<prefix>-XXXXXX`, removed by stop(). A given dir is kept. */
  readonly dir?: string;
  /** Keep the (default) lab dir after stop(); default false. */
  readonly keepDir?: boolean;
  /** How long to wait for every device's `ready`; default 10 s. */
  readonly readyTimeoutMs?: number;
  /** The compiled device entry; default dist/lab/device.js of this package (whatever the cwd). */
  readonly deviceScript?: string;
  /** Node binary for device processes; default process.execPath. */
  readonly nodePath?: string;
  /** Remove labs left by dead processes first (our prefix family only); default true. */
  readonly removeStale?: boolean;
}

const hasServices = (d: DeviceProfile): boolean => Object.values(d.services).some((s) => s !== undefined);

/**
 * Builds the topology in fresh namespaces and starts every device that has services; resolves once all of them
 * printed `ready`. On any failure everything created so far is torn down and a LabStartError is thrown.
 */
export async function startLab(topology: LabTopology, opts: StartLabOptions = {}): Promise<Lab> {
  validateTopology(topology); // also enforces 198.18.0.0/15 only
  const t0 = Date.now();
  if (opts.removeStale ?? true) removeStaleLabs();

  const prefix = newPrefix();
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), `${prefix}-`));
  if (!ownDir) mkdirSync(dir, { recursive: true });
  const keepDir = !ownDir || (opts.keepDir ?? false);
  const children: ChildProcess[] = [];
  const teardownSync = (): void => {
    teardownPrefix(prefix);
    try {
      if (!keepDir) rmSync(dir, { recursive: true, force: true });
    } catch {
      /* a dir we cannot remove is not worth failing a teardown (or an exit handler) for */
    }
  };
  registerLive(prefix, teardownSync); // from here on, a signal or exit tears down whatever exists
  const nsOf = (host: string): string => `${prefix}-${host}`;

  try {
    const script = opts.deviceScript ?? defaultDeviceScript();
    if (topology.devices.some(hasServices) && !existsSync(script)) throw new LabError(`device script ${script} is missing: run \`npm run build\` first`);
    const built = buildNetwork(topology, nsOf);
    const net: LabNetwork = { ...built, namespaces: [...built.namespaces, ...buildCrowds(topology, nsOf)] };
    const prefixLength = new Map(topology.segments.map((s) => [s.id, parseCidr(s.cidr)!.len]));
    const namespacesMs = Date.now() - t0;

    // Device processes, all at once; wait for every `ready`.
    const t1 = Date.now();
    const started: StartedDevice[] = [];
    const labDevices: LabDevice[] = [];
    for (const d of topology.devices) {
      const base = { name: d.name, ip: d.ip, mac: d.mac, namespace: nsOf(d.name), profile: d };
      if (!hasServices(d)) {
        labDevices.push({ ...base, pid: null, logFile: null });
        continue;
      }
      const logFile = join(dir, `${d.name}.log`);
      const configFile = join(dir, `${d.name}.json`);
      writeFileSync(logFile, '');
      const cfg: DeviceRuntimeConfig = { profile: d, prefixLength: prefixLength.get(d.segment)!, logFile };
      writeFileSync(configFile, JSON.stringify(cfg, null, 2));
      const s = startDevice({
        name: d.name,
        ns: nsOf(d.name),
        node: opts.nodePath ?? process.execPath,
        script,
        configFile,
        stderrFile: join(dir, `${d.name}.stderr`),
        cwd: dir,
        timeoutMs: opts.readyTimeoutMs ?? 10_000,
      });
      children.push(s.child);
      started.push(s);
      labDevices.push({ ...base, pid: s.child.pid ?? null, logFile });
    }
    await Promise.all(started.map((s) => s.ready));
    const timings = { namespacesMs, devicesMs: Date.now() - t1, totalMs: Date.now() - t0 };
    return makeLab({ prefix, dir, topology, nsOf, net, labDevices, children, timings, teardownSync });
  } catch (err) {
    unregisterLive(prefix);
    teardownSync();
    await waitExit(children, 1000);
    throw new LabStartError(prefix, err);
  }
}

function makeLab(p: {
  prefix: string;
  dir: string;
  topology: LabTopology;
  nsOf: (host: string) => string;
  net: LabNetwork;
  labDevices: readonly LabDevice[];
  children: readonly ChildProcess[];
  timings: LabTimings;
  teardownSync: () => void;
}): Lab {
  const scannerNamespace = p.nsOf(p.topology.scanner.name);
  const byName = new Map(p.labDevices.map((d) => [d.name, d]));
  let stopping: Promise<void> | null = null;
  const lab: Lab = {
    prefix: p.prefix,
    dir: p.dir,
    topology: p.topology,
    scannerNamespace,
    bridgeNamespace: p.net.bridgeNs,
    namespaces: p.net.namespaces,
    devices: p.labDevices,
    timings: p.timings,
    device(name) {
      const d = byName.get(name);
      if (!d) throw new LabError(`no device ${JSON.stringify(name)} in lab ${p.topology.name}`);
      return d;
    },
    namespaceOf(hostName) {
      if (!p.net.hostNames.includes(hostName)) throw new LabError(`no host ${JSON.stringify(hostName)} in lab ${p.topology.name}`);
      return p.nsOf(hostName);
    },
    spawnInScanner(cmd, args, opts = {}) {
      return spawn('ip', ['netns', 'exec', scannerNamespace, cmd, ...args], { ...opts, env: { ...process.env, ...(opts.env ?? {}) } });
    },
    execInScanner(cmd, args, opts) {
      return execInNs(scannerNamespace, cmd, args, opts);
    },
    nodeInScanner(script, args, opts) {
      return execInNs(scannerNamespace, process.execPath, [script, ...args], opts);
    },
    execIn(namespace, cmd, args, opts) {
      if (!lab.namespaces.includes(namespace)) return Promise.reject(new LabError(`${namespace} is not a namespace of this lab`));
      return execInNs(namespace, cmd, args, opts);
    },
    readLog(device) {
      if (device !== undefined) {
        const d = lab.device(device);
        return d.logFile ? readLogFile(d.logFile, d.name) : [];
      }
      return p.labDevices
        .flatMap((d) => (d.logFile ? readLogFile(d.logFile, d.name) : []))
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    },
    stop() {
      stopping ??= (async () => {
        unregisterLive(p.prefix);
        p.teardownSync(); // never throws
        await waitExit(p.children, 1000);
      })();
      return stopping;
    },
  };
  return lab;
}
