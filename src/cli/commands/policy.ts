// `camaudit policy check`: validate a policy file (every problem as `file:line: LEVEL message`) and show
// the effective policy a scan would apply: lists, scope limits, own restrictions, added makers, exceptions.
import type { Command } from 'commander';
import { loadKnowledge } from '../../knowledge/load.js';
import { fails, formatProblem } from '../../knowledge/problem.js';
import type { Entity, Knowledge } from '../../knowledge/types.js';
import type { Policy } from '../../policy/judge.js';
import { checkPolicy, defaultPolicyPath } from '../../policy/load.js';
import { describeMatch, isExpired } from '../../policy/rules.js';
import { commaList } from '../options.js';

interface CheckFlags {
  policyFile?: string;
  policy?: string[];
  json?: boolean;
}

function addedEntities(policy: Policy, base: Knowledge): Entity[] {
  return [...policy.knowledge.entities.values()].filter((e) => !base.entities.has(e.id));
}

export function policySummary(policy: Policy, base: Knowledge) {
  return {
    file: policy.file,
    organisation: policy.organisation,
    lists: policy.lists.map((l) => ({ id: l.id, name: l.name })),
    chosenBy: policy.chosenBy,
    scopeLimits: policy.scope.map((s) => ({ list: s.list, applies: s.applies, reason: s.reason, at: s.ref.at })),
    restrict: policy.restrict.map((r) => ({ entity: r.entity, brand: r.brand, coversAffiliates: r.coversAffiliates, reason: r.reason, at: r.ref.at })),
    entities: addedEntities(policy, base).map((e) => ({ id: e.id, name: e.name, parent: e.parent, aliases: e.aliases, ouiOrgNames: e.ouiOrgNames })),
    exceptions: policy.exceptions.map((e) => ({
      matches: describeMatch(e.match), reason: e.reason, approver: e.approver, expires: e.expires, expired: isExpired(e, policy.today), at: e.ref.at,
    })),
  };
}

export function renderPolicy(policy: Policy, base: Knowledge): string {
  const lines = [
    policy.file ? `Policy file: ${policy.file}${policy.organisation ? ` (${policy.organisation})` : ''}` : `No policy file (looked for $CAMAUDIT_POLICY_FILE and ${defaultPolicyPath()}).`,
    `Lists (${policy.chosenBy.at}):`,
    ...policy.lists.map((l) => `  ${l.id}: ${l.name}`),
  ];
  const section = (title: string, items: string[]) => {
    if (items.length) lines.push(title, ...items);
  };
  section('Scope limits:', policy.scope.map((s) => `  ${s.ref.text} (${s.ref.at})`));
  section('Own restrictions:', policy.restrict.map((r) => `  ${r.ref.text} (${r.ref.at})`));
  section('Makers added to vendor-db:', addedEntities(policy, base).map((e) => `  ${e.id}: ${e.name}${e.parent ? `, ${e.relation} of ${e.parent}` : ''}${e.aliases.length ? `; aliases ${e.aliases.join(', ')}` : ''}${e.ouiOrgNames.length ? `; IEEE names ${e.ouiOrgNames.join(', ')}` : ''}`));
  section('Exceptions:', policy.exceptions.map((e) => `  ${isExpired(e, policy.today) ? `EXPIRED on ${e.expires}, ignored: ` : ''}${e.ref.text} (${e.ref.at})`));
  return `${lines.join('\n')}\n`;
}

export function registerPolicy(program: Command): void {
  const policy = program
    .command('policy')
    .summary('check a policy file and show the effective policy')
    .description('An organisation\'s policy file chooses lists, adds its own banned makers or brands, says how list scope limits apply to it, and grants exceptions.');

  policy
    .command('check')
    .summary('validate a policy file and show the policy a scan would apply')
    .description('Validate the policy file (--policy-file, else $CAMAUDIT_POLICY_FILE, else ~/.config/camaudit/policy.yaml when present), print every problem as file:line, then the effective policy.')
    .option('--policy-file <file>', 'the policy file to check')
    .option('--policy <lists>', 'restriction lists, comma-separated, replacing the file\'s lists (as `scan --policy`)', commaList)
    .option('--json', 'print the effective policy as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ camaudit policy check --policy-file policy.yaml
  $ camaudit policy check --json | jq .exceptions

A minimal policy file (README "Policy files" has every field):
  organisation: Example County IT
  lists: [us-fcc-covered-list, us-ndaa-fy2019-sec889]
  scopeLimits:
    us-ndaa-fy2019-sec889: { applies: to-all-equipment, reason: "Federal contractor: FAR 52.204-25 covers all equipment we use" }
  exceptions:
    - serial: DS-2CD2385G1-I20190701AAWRD12345678
      reason: Evidence-room camera, replacement ordered
      approver: J. Smith (CISO)
      expires: 2027-03-31

Exit status: 0 valid (warnings allowed), 2 the file has a FAIL or cannot be read.`,
    )
    .action((flags: CheckFlags) => {
      const base = loadKnowledge();
      const { problems, policy: effective } = checkPolicy({ policyIds: flags.policy ?? null, ...(flags.policyFile ? { policyFile: flags.policyFile } : {}) }, base);
      for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
      if (!effective || fails(problems).length > 0) {
        process.exitCode = 2;
        return;
      }
      process.stdout.write(flags.json ? `${JSON.stringify({ ...policySummary(effective, base), problems: problems.map(formatProblem) }, null, 2)}\n` : renderPolicy(effective, base));
    });
}
