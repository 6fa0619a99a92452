// `db status`: the age and source of each dataset, and the staleness warning for the MAC registry.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadVendorDb } from '../../src/knowledge/load.js';
import { loadEffectiveRegistry, SHIPPED_OUI } from '../../src/knowledge/oui.js';
import { registryPath } from '../../src/knowledge/registry-file.js';
import { updateRegistry } from '../../src/knowledge/registry-update.js';
import { datasetStatus, type StatusInput } from '../../src/knowledge/status.js';
import { fixture } from './ieee-samples.js';

const db = loadVendorDb();
const temp = mkdtempSync(join(tmpdir(), 'camaudit-status-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const NOW = new Date('2026-12-02T08:00:00Z');

const status = (o: Partial<StatusInput> = {}) =>
  datasetStatus({ registry: loadEffectiveRegistry(join(temp, 'empty')), knowledge: db.knowledge, vendorDbDir: db.dir, now: NOW, maxAgeDays: 90, ...o });

describe('db status', () => {
  it('dates the shipped registry by the oui-data release this package pins', () => {
    const manifest = new URL('../../node_modules/oui-data/package.json', import.meta.url); // not in its "exports"
    const installed = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    expect(SHIPPED_OUI.version).toBe(installed); // bump SHIPPED_OUI.published with the pin
  });

  it('warns when the registry is older than the configured number of days', () => {
    const registry = status()[0]!;
    expect(registry).toMatchObject({ dataset: 'mac-registry', asOf: '2026-08-26', ageDays: 98, source: 'oui-data 2.1.9 (shipped with camaudit)' });
    expect(registry.warning).toMatch(/^98 days old, more than 90: run `camaudit db update`/);
    expect(status({ maxAgeDays: 120 })[0]!.warning).toBeNull();
  });

  it('dates each list by the newest past date it records, and names its file and publisher', () => {
    const rows = status();
    expect(rows.find((r) => r.dataset === 'list us-fcc-covered-list')).toMatchObject({
      asOf: '2026-09-09', ageDays: 84, source: 'vendor-db/lists/us-fcc-covered-list.yaml (https://www.fcc.gov/supplychain/coveredlist)',
    });
    for (const r of rows.filter((x) => x.kind === 'list')) if (r.asOf) expect(r.asOf <= '2026-12-02').toBe(true); // deadlines are not changes
    const fp = rows.filter((r) => r.kind === 'fingerprints');
    expect(fp.length).toBe(db.knowledge.fingerprints.size);
    expect(fp.every((r) => r.asOf === null && r.source.startsWith('vendor-db/fingerprints/'))).toBe(true);
  });

  it('dates a refreshed registry by its oldest file, and says when a damaged one is set aside', async () => {
    const dir = join(temp, 'data');
    const from = join(temp, 'from');
    const small = { 'MA-L': 1, 'MA-M': 1, 'MA-S': 1, IAB: 1 };
    mkdirSync(from);
    for (const [name, sample] of [['oui.csv', 'oui-sample.csv'], ['mam.csv', 'mam-sample.csv'], ['oui36.csv', 'oui36-sample.csv']] as const) {
      writeFileSync(join(from, name), fixture(sample));
      utimesSync(join(from, name), new Date('2026-11-20T00:00:00Z'), new Date(name === 'mam.csv' ? '2026-11-15T00:00:00Z' : '2026-11-20T00:00:00Z'));
    }
    await updateRegistry({ source: { kind: 'files', paths: [from] }, dataDir: dir, knowledge: db.knowledge, notRelated: db.notRelated, minRows: small, maxShrink: 1, now: () => NOW });
    const refreshed = status({ registry: loadEffectiveRegistry(dir) })[0]!;
    expect(refreshed).toMatchObject({ asOf: '2026-11-15', ageDays: 17, warning: null });
    expect(refreshed.source).toBe(`${registryPath(dir)}, refreshed 2026-12-02 from ${['oui.csv', 'mam.csv', 'oui36.csv'].map((f) => join(from, f)).join(', ')}`);

    writeFileSync(registryPath(dir), readFileSync(registryPath(dir), 'utf8').replace('"format":"camaudit-ieee-registry/1"', '"format":"x"'));
    const damaged = status({ registry: loadEffectiveRegistry(dir) })[0]!;
    expect(damaged.asOf).toBe(SHIPPED_OUI.published);
    expect(damaged.warning).toMatch(/ieee-registry\.json is unusable \(format is "x", expected "camaudit-ieee-registry\/1"\); using the shipped one/);
  });
});
