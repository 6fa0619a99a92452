// The change alert as sent: one JSON document (README "Scheduled scans" documents it field by field),
// and its Slack-compatible text form. Devices are export records (README "Output"), so a receiver that
// reads exports already reads alerts.
import type { ExportDevice, ExportDocument } from '../core/types.js';
import { clean } from '../cli/table.js';
import type { ChangeSet } from './changes.js';
import { countChanges } from './changes.js';

export const PAYLOAD_VERSION = 1;

export interface ChangePayload {
  readonly event: 'camaudit.changes';
  readonly version: typeof PAYLOAD_VERSION;
  readonly schedule: string;
  readonly scan: ExportDocument['scan'] & { readonly devices: number; readonly flagged: number };
  readonly previousScanId: number | null;
  readonly counts: ReturnType<typeof countChanges>;
  readonly newFindings: readonly ExportDevice[];
  readonly reopenedFindings: readonly ExportDevice[];
  readonly disappeared: readonly ExportDevice[];
}

export function buildPayload(schedule: string, cur: ExportDocument, prev: ExportDocument | null, changes: ChangeSet): ChangePayload {
  return {
    event: 'camaudit.changes',
    version: PAYLOAD_VERSION,
    schedule,
    scan: { ...cur.scan, devices: cur.devices.length, flagged: cur.devices.filter((d) => d.flagged).length },
    previousScanId: prev?.scan.id ?? null,
    counts: countChanges(changes),
    newFindings: changes.newFindings,
    reopenedFindings: changes.reopenedFindings,
    disappeared: changes.disappeared,
  };
}

const SLACK_LINES = 20;

/** Device strings come from the network: `<!channel>` in a model name must not page a whole Slack workspace. */
function slackSafe(text: string): string {
  return clean(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function describe(d: ExportDevice): string {
  const maker = d.restriction?.entityName ?? d.manufacturerName ?? d.manufacturer ?? d.ouiVendor ?? 'unknown maker';
  const what = [maker, d.model, d.mac].filter(Boolean).join(' ');
  const lists = d.restriction ? ` (${d.restriction.lists.join(', ')})` : '';
  return slackSafe(`${d.ip} ${what}${lists}`);
}

/** Slack's incoming-webhook body ({"text": …}); Mattermost, Rocket.Chat and Teams workflows accept it too. */
export function slackText(p: ChangePayload): string {
  const c = p.counts;
  const parts = [
    c.newFindings && `${c.newFindings} new restricted device${c.newFindings === 1 ? '' : 's'}`,
    c.reopenedFindings && `${c.reopenedFindings} reappeared`,
    c.disappeared && `${c.disappeared} device${c.disappeared === 1 ? '' : 's'} gone`,
  ].filter(Boolean);
  const items = [
    ...p.newFindings.map((d) => `• NEW ${describe(d)}`),
    ...p.reopenedFindings.map((d) => `• BACK ${describe(d)}`),
    ...p.disappeared.map((d) => `• GONE ${describe(d)}`),
  ];
  const shown = items.slice(0, SLACK_LINES);
  if (items.length > shown.length) shown.push(`…and ${items.length - shown.length} more (camaudit export --scan ${p.scan.id})`);
  const head = `camaudit: ${parts.join(', ')} in scan ${p.scan.id} of ${p.scan.targets.join(' ')} (schedule ${p.schedule})`;
  return [slackSafe(head), ...shown].join('\n');
}
