// Alert channel flags, shared by `schedule add` (stored with the schedule), `schedule run` and `daemon`
// (which also read $CAMAUDIT_WEBHOOK_URL).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { Channel } from '../schedule/types.js';
import { readPrivateFile } from './credentials.js';
import { oneOf } from './options.js';

export interface ChannelFlags {
  webhook?: string;
  webhookSecretFile?: string;
  webhookFormat: 'json' | 'slack';
  onChange?: string;
}

export function addChannelOptions(command: Command): Command {
  return command
    .option('--webhook <url>', 'POST change alerts (JSON) to this http(s) URL')
    .option('--webhook-secret-file <file>', 'sign webhook alerts with HMAC-SHA256, keyed by the first line of this file (chmod 600)')
    .option('--webhook-format <format>', 'json (documented payload) or slack (a {"text": …} message)', oneOf('--webhook-format', ['json', 'slack'] as const), 'json')
    .option('--on-change <command>', 'run this shell command with the alert JSON on stdin');
}

/** The HMAC key: the first line of a file only its owner can read (the same rule as every camaudit secret file). */
export function readWebhookSecret(path: string): string {
  const key = readPrivateFile(path, 'the webhook secret').split(/\r?\n/)[0] ?? '';
  if (!key) throw new UsageError(`the webhook secret file ${JSON.stringify(path)} is empty`);
  return key;
}

function webhookUrl(value: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`invalid ${flag} ${JSON.stringify(value)}: expected an http:// or https:// URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`invalid ${flag} ${JSON.stringify(value)}: expected an http:// or https:// URL`);
  return url.href;
}

/** The channels the flags name (and $CAMAUDIT_WEBHOOK_URL when `env` is given); checks the secret file now. */
export function channelsFrom(flags: ChannelFlags, env?: NodeJS.ProcessEnv): Channel[] {
  const channels: Channel[] = [];
  const fromEnv = flags.webhook === undefined && env?.CAMAUDIT_WEBHOOK_URL ? env.CAMAUDIT_WEBHOOK_URL : undefined;
  const url = flags.webhook ?? fromEnv;
  if (url !== undefined) {
    const flag = flags.webhook !== undefined ? '--webhook' : 'CAMAUDIT_WEBHOOK_URL';
    if (flags.webhookSecretFile) readWebhookSecret(flags.webhookSecretFile); // refuse a bad file now, not at the first alert
    channels.push({ kind: 'webhook', url: webhookUrl(url, flag), secretFile: flags.webhookSecretFile ? resolve(flags.webhookSecretFile) : null, format: flags.webhookFormat });
  } else if (flags.webhookSecretFile) {
    throw new UsageError('--webhook-secret-file needs --webhook URL (or CAMAUDIT_WEBHOOK_URL)');
  }
  if (flags.onChange !== undefined) {
    if (!flags.onChange.trim()) throw new UsageError('invalid --on-change "": expected a shell command');
    channels.push({ kind: 'command', command: flags.onChange });
  }
  return channels;
}
