// `camaudit lists`: every restriction list in vendor-db with its citation and scope limits.
import type { Command } from 'commander';
import { loadKnowledge } from '../../knowledge/load.js';
import type { RestrictionList } from '../../knowledge/types.js';

function describe(l: RestrictionList): string {
  const tags = [l.defaultPolicy ? 'default policy' : null, l.flags ? null : 'context only: flags nothing on its own'].filter(Boolean);
  const lines = [`${l.id}${tags.length ? `  [${tags.join('; ')}]` : ''}`, `  ${l.name}`, `  ${l.jurisdiction} · ${l.authority}`, `  Effective: ${l.effective}`, `  Citation: ${l.citation}`, `  Source: ${l.url}`];
  if (l.coversAffiliates) lines.push('  Covers subsidiaries and affiliates of the named entities.');
  for (const r of l.rows) {
    const who = r.entity ?? '(no device maker: category or services row)';
    lines.push(`  - ${r.ref}: ${who}${r.dateOfInclusion ? ` (since ${r.dateOfInclusion})` : ''}${r.scopeLimit ? `\n      scope limit: ${r.scopeLimit}` : ''}`);
  }
  return lines.join('\n');
}

export function registerLists(program: Command): void {
  program
    .command('lists')
    .summary('show the restriction lists camaudit knows, with citations')
    .description('Show every restriction list in vendor-db: who issued it, its legal citation, which entities each row names and any scope limit.')
    .option('--json', 'print the lists as JSON')
    .addHelpText('after', '\nExamples:\n  $ camaudit lists\n  $ camaudit scan --policy us-fcc-covered-list,ca-qc-arrete-2023 192.168.1.0/24\n  $ camaudit lists --json | jq -r \'.[].id\'')
    .action((flags: { json?: boolean }) => {
      const k = loadKnowledge();
      if (flags.json) {
        const plain = k.lists.map(({ rows, ...l }) => ({ ...l, rows: rows.map(({ line: _line, ...r }) => r) }));
        process.stdout.write(`${JSON.stringify(plain, null, 2)}\n`);
      } else process.stdout.write(`${k.lists.map(describe).join('\n\n')}\n`);
    });
}
