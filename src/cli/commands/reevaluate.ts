// `camaudit reevaluate`: judge every device of the inventory again, from its latest stored observations, under
// the current vendor-db and policy (a new list, a new OUI block, a policy file change), without rescanning.
import type { Command } from 'commander';
import { orderDevice } from '../../export/json.js';
import { identify } from '../../identify/identify.js';
import { loadKnowledge } from '../../knowledge/load.js';
import { ouiRegistry } from '../../knowledge/oui.js';
import { loadPolicy } from '../../policy/load.js';
import { openStore } from '../store.js';
import { commaList, defaultDbPath } from '../options.js';
import { renderTable } from '../table.js';

interface ReevaluateFlags {
  db: string;
  policy?: string[];
  policyFile?: string;
  json?: boolean;
}

export function registerReevaluate(program: Command): void {
  program
    .command('reevaluate')
    .summary('judge the stored devices again under the current vendor-db and policy, without scanning')
    .description(
      'Re-attribute and re-judge each device of the inventory from the observations of its latest scan, under the current vendor-db, OUI registry and policy. Scans keep their own judgement; the inventory and the findings move (opened, or withdrawn when a device is no longer flagged), each change recorded.',
    )
    .option('--db <file>', 'SQLite file or postgres:// URL (default: $CAMAUDIT_DB or ./camaudit.db)', defaultDbPath())
    .option('--policy <lists>', 'restriction lists to apply, comma-separated (default: as `camaudit scan` would)', commaList)
    .option('--policy-file <file>', 'the organisation\'s policy file (default: as `camaudit scan` would)')
    .option('--json', 'JSON of what changed instead of a table')
    .addHelpText('after', `
Examples:
  $ camaudit reevaluate                                        after updating camaudit or vendor-db
  $ camaudit reevaluate --policy us-fcc-covered-list,ca-qc-arrete-2023
  $ camaudit reevaluate --json | jq '.[] | select(.finding) | .device.ip'`)
    .action(async (flags: ReevaluateFlags) => {
      const knowledge = loadKnowledge();
      const policy = loadPolicy({ policyIds: flags.policy ?? null, ...(flags.policyFile ? { policyFile: flags.policyFile } : {}) }, knowledge);
      const oui = ouiRegistry();
      const store = await openStore(flags.db, policy.knowledge);
      try {
        await store.expireExceptions();
        const sightings = await store.latestSightings();
        const judged = sightings.map((s) => ({ assetId: s.assetId, judged: identify(s.device, policy.knowledge, oui, policy) }));
        const ids = policy.lists.map((l) => l.id);
        const changed = await store.rejudge(judged, ids);
        if (flags.json) {
          const out = changed.map((c) => ({ device: orderDevice(c.device), changes: c.changes, finding: c.finding }));
          return void process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        }
        const flagged = judged.filter((j) => j.judged.restriction).length;
        process.stdout.write(`Re-evaluated ${judged.length} devices under ${ids.join(', ') || 'no list'}: ${flagged} flagged, ${changed.length} changed.\n`);
        if (changed.length === 0) return;
        const rows = changed.map((c) => [
          c.device.assetId === undefined ? '-' : String(c.device.assetId),
          c.device.ip,
          c.device.manufacturer ?? '-',
          c.changes.map((x) => `${x.field}: ${x.from ?? '-'} → ${x.to ?? '-'}`).join('; ') || '-',
          c.finding ? `${c.finding.from ?? 'new'} → ${c.finding.to}` : '-',
        ]);
        process.stdout.write(`\n${renderTable(['ID', 'IP', 'MAKER', 'CHANGES', 'FINDING'], rows, 70)}\n`);
      } finally {
        await store.close();
      }
    });
}
