// The flags that bound what a scan may cost the network and who may receive credentials:
// --rate, --max-time and --credentials (README "Safety and hostile input").
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { DEFAULT_PACE, type PaceOptions } from '../net/pace.js';
import type { CredentialSettings } from './credentials.js';
import { positiveInt } from './options.js';

export interface SafetySettings extends CredentialSettings {
  /** Probes per second (default DEFAULT_PACE.rate). */
  readonly rate?: number;
  /** Seconds the whole scan may take; unset: no overall deadline. */
  readonly maxTime?: number;
}

export const MAX_RATE = 100_000;
const UNITS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600 };

/** "90", "90s", "15m", "2h" → seconds. */
export function parseDuration(name: string) {
  return (value: string): number => {
    const m = /^(\d{1,6})([smh]?)$/.exec(value);
    const seconds = m ? Number(m[1]) * UNITS[m[2]!]! : 0;
    if (!m || seconds <= 0) throw new UsageError(`invalid ${name} ${JSON.stringify(value)}: expected a duration such as 90s, 15m or 2h`);
    return seconds;
  };
}

function rate(value: string): number {
  const n = positiveInt('--rate')(value);
  if (n > MAX_RATE) throw new UsageError(`invalid --rate ${JSON.stringify(value)}: at most ${MAX_RATE} probes per second`);
  return n;
}

export function addSafetyOptions(command: Command): Command {
  return command
    .option(
      '--rate <n>',
      `probes per second across the scan (default ${DEFAULT_PACE.rate}); host discovery (nmap or the builtin ARP sweep) sends ${DEFAULT_PACE.sweepRate} packets per second of its own, or <n> when that is lower`,
      rate,
    )
    .option('--max-time <duration>', 'stop the whole scan after this long (90s, 15m, 2h) and store what was found as interrupted', parseDuration('--max-time'))
    .option('--credentials <file>', 'YAML or JSON file (chmod 600) of ONVIF credentials, each with the CIDRs it may be sent to');
}

export function paceOf(s: SafetySettings): Partial<PaceOptions> {
  return s.rate === undefined ? {} : { rate: s.rate };
}
