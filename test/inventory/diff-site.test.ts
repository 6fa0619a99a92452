// `camaudit diff` with no arguments compares the latest scan with the previous one of the same targets at
// the same site: two sites scanning the same private range are two networks.
import { describe, expect, it } from 'vitest';
import type { StoredScan } from '../../src/core/types.js';
import { defaultDiffPair } from '../../src/inventory/diff.js';

const scan = (id: number, site: string, targets = ['192.168.1.0/24']): StoredScan => ({
  id,
  site,
  sensor: `${site}-1`,
  startedAt: `2026-12-0${id}T09:00:00.000Z`,
  finishedAt: `2026-12-0${id}T09:01:00.000Z`,
  targets,
  status: 'complete',
  policy: [],
  runs: [],
  deviceCount: 0,
  flaggedCount: 0,
});

describe('defaultDiffPair across sites', () => {
  it('pairs the latest scan with the previous one of its own site', () => {
    const pair = defaultDiffPair([scan(1, 'berlin'), scan(2, 'lyon'), scan(3, 'berlin'), scan(4, 'lyon')]);
    expect(pair?.map((s) => s.id)).toEqual([2, 4]);
  });

  it('finds no pair when only another site scanned the same targets before', () => {
    expect(defaultDiffPair([scan(1, 'berlin'), scan(2, 'lyon')])).toBeNull();
  });
});
