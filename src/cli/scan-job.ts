// The one path from scan settings to a stored scan, shared by `camaudit scan` and scheduled runs, so a
// scheduled scan is exactly the scan a person would have run by hand with the same flags.
import type { Command } from 'commander';
import { StoreError, UsageError } from '../core/errors.js';
import { parseTargets, type TargetSet } from '../core/targets.js';
import type { ScanResult, SourceId } from '../core/types.js';
import type { Knowledge } from '../knowledge/types.js';
import type { OuiRegistry } from '../knowledge/oui.js';
import { defaultTargetSpecs, localInterfaces, type LocalInterface } from '../net/interfaces.js';
import { REPEAT_GAP_MS } from '../net/udp.js';
import type { Policy } from '../policy/judge.js';
import { loadPolicy } from '../policy/load.js';
import { scan, type ScanRequest } from '../scan.js';
import { ALL_SOURCES } from '../sources/index.js';
import type { PaceOptions } from '../net/pace.js';
import type { SourceOptions } from '../sources/types.js';
import { defaultSite, parseSiteName } from '../store/sites.js';
import type { Store } from '../store/store.js';
import { onvifCredentials } from './credentials.js';
import { commaList, oneOf, positiveInt, repeatable } from './options.js';
import { addSafetyOptions, paceOf, type SafetySettings } from './safety-options.js';

/** What decides a scan besides its targets: the scan command's flags, and what a schedule stores. */
export interface ScanSettings extends SafetySettings {
  readonly policy?: readonly string[];
  /** A policy file (README "Policy files"); absent: $CAMAUDIT_POLICY_FILE, else ~/.config/camaudit/policy.yaml when present. */
  readonly policyFile?: string;
  readonly force?: boolean;
  readonly allowPublic?: boolean;
  readonly exclude?: readonly string[];
  readonly sweep: SourceOptions['sweep'];
  readonly nmapPath: string;
  readonly timeout: number;
  readonly disable?: readonly string[];
  readonly onvifUser?: string;
  /** A path, never the password: schedules store settings in the database. */
  readonly onvifPasswordFile?: string;
  /** Where the scan is taken and by whom (src/store/sites.ts); default $CAMAUDIT_SITE/$CAMAUDIT_SENSOR, else the host name. */
  readonly site?: string;
  readonly sensor?: string;
}

export interface PlannedScan {
  readonly targets: TargetSet;
  /** False when the targets were taken from this host's interfaces. */
  readonly given: boolean;
  readonly interfaces: readonly LocalInterface[];
  readonly policy: Policy;
  readonly sources: SourceOptions;
  readonly disabled: readonly SourceId[];
  readonly pace: Partial<PaceOptions>;
  /** The whole scan's deadline (--max-time); null: none. */
  readonly maxTimeMs: number | null;
  readonly site: string;
  readonly sensor: string;
}

const SOURCE_IDS = ALL_SOURCES.map((s) => s.id);
const DEFAULT_TIMEOUT_MS = 1000;
// The multicast listen: the probe's second copy leaves after REPEAT_GAP_MS, WS-Discovery devices delay their answer to
// a multicast probe by up to APP_MAX_DELAY, SADP and DHIP devices answer at once; the rest is for the network.
const APP_MAX_DELAY_MS = 500;
const MULTICAST_LISTEN_MS = REPEAT_GAP_MS + APP_MAX_DELAY_MS + 200;

/** The flags that fill ScanSettings, for `scan` and `schedule add` alike. */
export function addScanSettingOptions(command: Command): Command {
  command
    .option('--policy <lists>', 'restriction lists to apply, comma-separated (default: us-fcc-covered-list,us-ndaa-fy2019-sec889; see `camaudit lists`)', commaList)
    .option('--policy-file <file>', 'the organisation\'s policy: lists, own restrictions, scope limits, exceptions (see `camaudit policy check`)')
    .option('--force', 'allow more than 65,536 addresses (a /16)')
    .option('--allow-public', 'allow globally routable addresses (only where you are authorised)')
    .option('--exclude <target>', 'never touch this address, CIDR or range (repeatable)', repeatable)
    .option('--sweep <method>', 'host discovery: auto (nmap when root, else built-in), nmap, builtin', oneOf('--sweep', ['auto', 'nmap', 'builtin'] as const), 'auto')
    .option('--nmap-path <path>', 'nmap binary', 'nmap')
    .option('--timeout <ms>', 'deadline for each probe', positiveInt('--timeout'), DEFAULT_TIMEOUT_MS)
    .option('--disable <source>', `skip a discovery source (repeatable): ${SOURCE_IDS.join(', ')}`, repeatable)
    .option('--onvif-user <name>', 'ONVIF user for devices that refuse anonymous queries; password from $CAMAUDIT_ONVIF_PASSWORD or --onvif-password-file')
    .option('--onvif-password-file <file>', 'file whose first line is the ONVIF password (chmod 600)')
    .option('--site <name>', 'the site this scan is taken at; devices are per site (default: $CAMAUDIT_SITE, else the host name)')
    .option('--sensor <id>', 'this sensor\'s name in a fleet (default: $CAMAUDIT_SENSOR, else the host name)');
  return addSafetyOptions(command);
}

/** Only the ScanSettings keys of a flags object (a schedule stores exactly these). */
export function pickScanSettings(flags: ScanSettings): ScanSettings {
  const { policy, policyFile, force, allowPublic, exclude, sweep, nmapPath, timeout, disable, onvifUser, onvifPasswordFile, rate, maxTime, credentials, site, sensor } = flags;
  return { policy, policyFile, force, allowPublic, exclude, sweep, nmapPath, timeout, disable, onvifUser, onvifPasswordFile, rate, maxTime, credentials, site, sensor };
}

/** Validates everything before any packet is sent; every refusal is a UsageError naming the bad value. */
export function planScan(specs: readonly string[], settings: ScanSettings, knowledge: Knowledge): PlannedScan {
  const interfaces = localInterfaces();
  const given = specs.length > 0;
  const chosen = given ? [...specs] : defaultTargetSpecs(interfaces);
  if (chosen.length === 0) throw new UsageError('no targets given and no up, non-loopback IPv4 interface to take them from');
  const targets = parseTargets(chosen, { force: settings.force, allowPublic: settings.allowPublic, exclude: settings.exclude ? [...settings.exclude] : undefined });
  const disabled = (settings.disable ?? []).map((id) => oneOf('source in --disable', SOURCE_IDS)(id)) as SourceId[];
  const policy = loadPolicy({ policyIds: settings.policy ?? null, ...(settings.policyFile ? { policyFile: settings.policyFile } : {}) }, knowledge);
  const t = settings.timeout;
  const sources: SourceOptions = {
    // A --timeout above the default lengthens the multicast listen as much.
    timeouts: { unicastMs: t, multicastMs: MULTICAST_LISTEN_MS + Math.max(0, t - DEFAULT_TIMEOUT_MS), tcpMs: t, sweepMs: Math.max(60_000, targets.size * 50) },
    sweep: settings.sweep,
    nmapPath: settings.nmapPath,
    onvifCredentials: onvifCredentials(settings, targets),
  };
  const maxTimeMs = settings.maxTime === undefined ? null : settings.maxTime * 1000;
  const site = parseSiteName(settings.site ?? (process.env.CAMAUDIT_SITE || defaultSite()), '--site');
  const sensor = parseSiteName(settings.sensor ?? (process.env.CAMAUDIT_SENSOR || defaultSite()), '--sensor');
  return { targets, given, interfaces, policy, sources, disabled, pace: paceOf(settings), maxTimeMs, site, sensor };
}

export interface ScanDeps {
  /**
   * Opens the inventory the scan goes to. Called once the scan's first packets are out, so loading and opening
   * the store overlap the wait for their replies; when it fails, the scan stops and the error is thrown.
   */
  readonly store: () => Promise<Store>;
  readonly knowledge: Knowledge;
  /** Called once the scan's discovery has started, to overlap loading the registry with the sweep. */
  readonly oui: () => OuiRegistry;
  /**
   * Where a scan goes when the database refuses it (a SQLite file locked past its busy timeout), so what was
   * found is not lost: keeps it and returns what to tell the user (where it is, how to add it later).
   */
  readonly fallback?: (result: ScanResult) => Promise<string>;
}

export type ScanEvents = Pick<ScanRequest, 'onStart' | 'onProgress'>;

/**
 * Runs the pipeline and stores the result, interrupted or not: what was found before an abort is kept.
 * `timedOut`: --max-time ended the scan (it is stored as interrupted).
 */
export async function scanAndStore(
  plan: PlannedScan,
  deps: ScanDeps,
  signal: AbortSignal,
  events: ScanEvents = {},
): Promise<{ id: number; result: ScanResult; timedOut: boolean }> {
  const { knowledge, oui } = deps;
  const deadline = plan.maxTimeMs === null ? null : AbortSignal.timeout(plan.maxTimeMs);
  const refused = new AbortController();
  const scanning = scan({ ...plan, signal: AbortSignal.any([signal, refused.signal, ...(deadline ? [deadline] : [])]), ...events }, knowledge, oui);
  scanning.catch(() => undefined); // awaited below; a rejection while the store opens is not "unhandled"
  let store: Store;
  try {
    await new Promise((resolve) => setImmediate(resolve)); // scan() sends its first packets in this turn
    store = await deps.store();
  } catch (err) {
    refused.abort();
    await scanning.catch(() => undefined);
    throw err;
  }
  const scanned = await scanning;
  const result: ScanResult = { ...scanned, scan: { ...scanned.scan, site: plan.site, sensor: plan.sensor } };
  return { id: await saveOrKeep(store, result, deps.fallback), result, timedOut: deadline?.aborted ?? false };
}

async function saveOrKeep(store: Store, result: ScanResult, fallback: ScanDeps['fallback']): Promise<number> {
  try {
    return await store.saveScan(result);
  } catch (err) {
    if (!(err instanceof StoreError) || !fallback) throw err;
    const kept = await fallback(result).catch(() => null);
    throw kept === null ? err : new StoreError(`${err.message}; ${kept}`);
  }
}
