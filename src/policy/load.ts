// The one way to get the Policy a scan (or a re-evaluation of stored scans) applies: `--policy` list ids,
// a policy file, or both (the ids then replace the file's `lists:`), on top of vendor-db.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { fails, formatProblem, type Problem } from '../knowledge/problem.js';
import type { Knowledge } from '../knowledge/types.js';
import { resolvePolicy, today, type Policy } from './judge.js';
import { readPolicyFile } from './policy-file.js';

export interface PolicyRequest {
  /** `--policy a,b`: replaces the file's `lists:`; null or absent: the file's lists, else the vendor-db default. */
  readonly policyIds?: readonly string[] | null;
  /** A path; null for no file; absent: `$CAMAUDIT_POLICY_FILE`, else the default location when a file is there. */
  readonly policyFile?: string | null;
  readonly now?: Date;
}

/** `$XDG_CONFIG_HOME/camaudit/policy.yaml`, else `~/.config/camaudit/policy.yaml`. */
export function defaultPolicyPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'camaudit', 'policy.yaml');
}

/** The policy file a request means, or null for none. An explicitly named file must exist. */
export function policyFilePath(req: PolicyRequest, env: NodeJS.ProcessEnv = process.env): string | null {
  if (req.policyFile !== undefined) return req.policyFile;
  if (env.CAMAUDIT_POLICY_FILE) return env.CAMAUDIT_POLICY_FILE;
  const fallback = defaultPolicyPath(env);
  return existsSync(fallback) ? fallback : null;
}

export interface PolicyCheck {
  readonly path: string | null;
  readonly problems: readonly Problem[];
  readonly policy: Policy | null; // null when the file has a FAIL
}

/** Loads and reports every problem of the policy file (for `camaudit policy check`); throws only for bad --policy ids. */
export function checkPolicy(req: PolicyRequest, knowledge: Knowledge): PolicyCheck {
  const path = policyFilePath(req);
  const day = today(req.now);
  if (path === null) return { path, problems: [], policy: resolvePolicy(knowledge, req.policyIds ?? null) };
  if (!existsSync(path)) throw new UsageError(`policy file ${JSON.stringify(path)} does not exist`);
  const problems: Problem[] = [];
  const file = readPolicyFile(path, knowledge, problems, day);
  if (!file) return { path, problems, policy: null };
  const base = req.policyIds
    ? resolvePolicy(file.knowledge, req.policyIds)
    : file.lists
      ? { ...resolvePolicy(file.knowledge, file.lists.ids, file.lists.ref.at), chosenBy: file.lists.ref }
      : resolvePolicy(file.knowledge, null);
  const policy: Policy = {
    ...base, scope: file.scope, restrict: file.restrict, exceptions: file.exceptions, file: path, organisation: file.organisation, today: day,
  };
  return { path, problems, policy };
}

/** The policy to judge devices with; a policy file with any FAIL is a UsageError naming its first problem. */
export function loadPolicy(req: PolicyRequest, knowledge: Knowledge): Policy {
  const { path, problems, policy } = checkPolicy(req, knowledge);
  if (policy) return policy;
  const failed = fails(problems);
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more problem${failed.length > 2 ? 's' : ''})` : '';
  throw new UsageError(`invalid policy file: ${formatProblem(failed[0]!)}${more}; see \`camaudit policy check --policy-file ${path}\``);
}
