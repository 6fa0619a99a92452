// Migration 4: which policy rules and list rows decided each judgement (PolicyDecision as JSON; see
// src/policy/judge.ts decide()). Null for devices saved before it, and for non-flags no rule changed.
export const DECISIONS_SQL = `
ALTER TABLE devices ADD COLUMN decided_by TEXT CHECK (json_valid(decided_by));
ALTER TABLE assets ADD COLUMN decided_by TEXT CHECK (json_valid(decided_by));
`;
