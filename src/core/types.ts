// Every domain type of camaudit, in one place. Sources produce Observations; everything after
// that (merge, identify, attribute, policy, store, export) is pure code over these types.

/** Discovery sources. `oui` is not a source that sends packets: it marks evidence derived from a MAC. */
export type SourceId =
  | 'nmap'
  | 'neighbours'
  | 'ws-discovery'
  | 'onvif'
  | 'sadp'
  | 'dhip'
  | 'http'
  | 'rtsp'
  | 'oui';

/** Outcome of one probe or one source run (after zgrab2's ScanStatus). */
export type ProbeStatus =
  | 'ok' // a well-formed reply
  | 'no-reply' // nothing came back in time (normal for most hosts)
  | 'timeout' // a connection opened but the exchange did not finish in time
  | 'refused' // TCP RST / ICMP unreachable
  | 'protocol-error' // bytes came back but are not what the protocol allows
  | 'not-permitted' // the OS refused (no raw sockets, no route)
  | 'tool-missing' // an external tool (nmap) is not installed
  | 'skipped' // not run (disabled, nothing to probe)
  | 'error'; // anything else; carries a message

/** `<protocol>.<field>`: the contract between what a source emits and the fingerprint files. */
export type MatchKey = `${string}.${string}`;

export type DeviceType = 'camera' | 'nvr' | 'dvr' | 'network' | 'radio' | 'other' | 'unknown';
export const DEVICE_TYPES: readonly DeviceType[] = ['camera', 'nvr', 'dvr', 'network', 'radio', 'other', 'unknown'];

export type Confidence = 'high' | 'medium' | 'low';
export const CONFIDENCE_RANK: Readonly<Record<Confidence, number>> = { high: 3, medium: 2, low: 1 };

/** How the restricted entity relates to the device: it built it, a family member built it, or a relabel. */
export type Basis = 'manufacturer' | 'subsidiary' | 'oem';

/** One raw fact as seen on the wire. Sources emit these and nothing else. */
export interface Observation {
  readonly source: SourceId;
  readonly at: string; // ISO-8601
  readonly ip: string;
  readonly key: MatchKey;
  readonly value: string; // size-capped raw string
  readonly detail: string; // one human-readable line, shown as evidence
}

/** What one source did during a scan. Per-host sources aggregate their probes into `counts`. */
export interface SourceRun {
  readonly source: SourceId;
  readonly status: ProbeStatus;
  readonly ms: number;
  readonly error?: string;
  readonly observations: number;
  readonly counts?: Partial<Record<ProbeStatus, number>>;
  readonly dropped?: number; // replies discarded: malformed, duplicated, from outside the targets
}

/** Fields a fingerprint may set (names after recog's identifiers/fields.txt). */
export type Field = 'hw.vendor' | 'hw.brand' | 'hw.model' | 'hw.device' | 'hw.serial' | 'hw.mac' | 'os.version';
export const FIELDS: readonly Field[] = ['hw.vendor', 'hw.brand', 'hw.model', 'hw.device', 'hw.serial', 'hw.mac', 'os.version'];

/** A fingerprint that matched one observation, with the fields it yielded. */
export interface Match {
  readonly fingerprintId: string;
  readonly description: string;
  readonly certainty: Confidence;
  readonly fields: Partial<Record<Field, string>>;
  readonly from: Observation;
}

export interface EvidenceItem {
  readonly source: SourceId;
  readonly detail: string;
}

/** Who made a device and what it is, derived from its observations. Entity ids come from vendor-db. */
export interface Attribution {
  readonly manufacturer: string | null; // entity id of who built it
  readonly brand: string | null; // entity id of the label it is sold under
  readonly model: string | null;
  readonly firmware: string | null;
  readonly serial: string | null;
  readonly deviceType: DeviceType;
  readonly confidence: Confidence | null; // null when nothing identified the maker
  /** Set when the maker was inferred from a relabelled brand (vendor-db/relabels.yaml). */
  readonly relabel: { readonly brand: string; readonly builtBy: string; readonly confidence: Confidence } | null;
  readonly evidence: readonly EvidenceItem[];
  readonly conflicts: readonly string[];
}

export interface ListRef {
  readonly id: string;
  readonly row: string; // the list's own row/entry reference
  readonly citation: string;
  readonly scopeLimit: string | null; // e.g. the purpose limit on Hikvision/Dahua/Hytera FCC rows
}

/** Why a device is restricted: the listed entity, the lists that name it, and how it relates to the device. */
export interface Restriction {
  readonly entity: string;
  readonly lists: readonly ListRef[];
  readonly basis: Basis;
  readonly confidence: Confidence;
  readonly evidence: readonly EvidenceItem[];
}

/** A rule that took part in a decision: the list selection, or a rule of the organisation's policy file. */
export interface DecisionRule {
  readonly rule: string; // "lists", "scopeLimits.us-fcc-covered-list", "restrict[0]", "exceptions[2]"
  readonly at: string; // "policy.yaml:21", "--policy", "vendor-db default policy"
  readonly text: string; // one human-readable line
}

/**
 * What a list row did to a device: it flags it, or it would have but a rule set it aside (the list was not
 * chosen, the organisation is outside the row's scope limit, or an exception covers the device).
 */
export type RowEffect = 'flags' | 'not-chosen' | 'out-of-scope' | 'excepted';

export interface DecisionRow {
  readonly list: string; // list id; "org-policy" for a policy file's own restriction
  readonly row: string;
  readonly effect: RowEffect;
}

/** Which rules and which list rows decided a flag, or a non-flag that a policy rule changed. */
export interface PolicyDecision {
  readonly flagged: boolean;
  readonly rules: readonly DecisionRule[];
  readonly rows: readonly DecisionRow[];
}

/** A device as merged from observations: keyed by MAC when one is known, else by IP. */
export interface Device {
  readonly ip: string;
  readonly mac: string | null; // L2 MAC on the local segment, or one stated by a payload; never a router's
  readonly macSource: SourceId | null;
  readonly ouiVendor: string | null; // IEEE registry organisation name for `mac`
  readonly observations: readonly Observation[];
}

export interface JudgedDevice extends Device {
  readonly matches: readonly Match[];
  readonly attribution: Attribution;
  readonly restriction: Restriction | null;
  /** Null when no rule changed the outcome and nothing flags (see src/policy/judge.ts decide()). */
  readonly decidedBy?: PolicyDecision | null;
}

export interface ScanInfo {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly targets: readonly string[];
  readonly status: 'complete' | 'interrupted';
  readonly policy: readonly string[]; // list ids applied
  /** Where it was taken (`--site`, default the host name) and by which sensor; a store fills in defaults. */
  readonly site?: string;
  readonly sensor?: string;
}

/** What the pipeline hands to the store. */
export interface ScanResult {
  readonly scan: ScanInfo;
  readonly runs: readonly SourceRun[];
  readonly devices: readonly JudgedDevice[];
}

/** A scan as stored: the store assigns the id. */
export interface StoredScan extends ScanInfo {
  readonly id: number;
  readonly runs: readonly SourceRun[];
  readonly deviceCount: number;
  readonly flaggedCount: number;
}

/** One device in `export --format json` (the output contract in README "Output"). CSV flattens the same record. */
export interface ExportDevice {
  readonly ip: string;
  readonly mac: string | null;
  readonly macSource: SourceId | null;
  readonly ouiVendor: string | null;
  readonly manufacturer: string | null; // entity id
  readonly manufacturerName: string | null;
  readonly brand: string | null; // entity id
  readonly brandName: string | null;
  readonly model: string | null;
  readonly firmware: string | null;
  readonly serial: string | null;
  readonly deviceType: DeviceType;
  readonly confidence: Confidence | null;
  readonly flagged: boolean;
  readonly restriction: {
    readonly entity: string;
    readonly entityName: string;
    readonly lists: readonly string[];
    readonly citations: readonly ListRef[];
    readonly basis: Basis;
    readonly confidence: Confidence;
  } | null;
  readonly evidence: readonly EvidenceItem[];
  readonly conflicts: readonly string[];
  // The inventory (schema 2): the same device across scans, and its finding when it was ever flagged.
  readonly assetId?: number;
  /** The site the asset belongs to (identity is per site). */
  readonly site?: string;
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  readonly finding?: FindingSummary | null;
  /** The rules and list rows that decided `flagged` (null when no rule changed a non-flag); optional for older exports. */
  readonly decidedBy?: PolicyDecision | null;
}

/** open → acknowledged | exception | remediated; `withdrawn` when a scan or re-evaluation no longer flags the device. */
export type FindingStatus = 'open' | 'acknowledged' | 'exception' | 'remediated' | 'withdrawn';
export const FINDING_STATUSES: readonly FindingStatus[] = ['open', 'acknowledged', 'exception', 'remediated', 'withdrawn'];

export interface FindingSummary {
  readonly id: number;
  readonly status: FindingStatus;
  readonly owner: string | null;
  readonly notes: string | null; // the latest note
  readonly reason: string | null; // why an exception was granted
  readonly expiresAt: string | null; // YYYY-MM-DD, last day an exception holds
  readonly updatedAt: string;
}

export interface ExportDocument {
  readonly scan: { readonly id: number; readonly startedAt: string; readonly finishedAt: string; readonly targets: readonly string[]; readonly status: 'complete' | 'interrupted' };
  readonly devices: readonly ExportDevice[];
}

/** What the device filters and the HTML report's counts read of a device. */
export type TalliedDevice = Pick<ExportDevice, 'flagged' | 'manufacturer' | 'brand' | 'deviceType' | 'site' | 'lastSeen'> & {
  readonly restriction: Pick<NonNullable<ExportDevice['restriction']>, 'entity' | 'entityName' | 'lists'> | null;
  readonly finding?: Pick<FindingSummary, 'status'> | null;
};

/** `count` devices alike in everything a TalliedDevice holds: the report's counts without reading every device. */
export interface DeviceGroup {
  readonly device: TalliedDevice;
  readonly count: number;
}
