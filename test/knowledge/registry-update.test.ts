// `db update` in-process against a registry server on 127.0.0.1 serving real IEEE rows (test/fixtures/ieee):
// what is saved and used, what changed for restricted makers, and that every bad download replaces nothing.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataError, UsageError } from '../../src/core/errors.js';
import type { IeeeRegistry } from '../../src/knowledge/ieee-csv.js';
import { loadVendorDb } from '../../src/knowledge/load.js';
import { loadEffectiveRegistry, shippedOuiRegistry } from '../../src/knowledge/oui.js';
import { readStoredRegistry, registryPath } from '../../src/knowledge/registry-file.js';
import { updateRegistry, type UpdateOptions } from '../../src/knowledge/registry-update.js';
import { cutShort, fixture, registryRoutes, serveRegistry, type RegistryServer } from './ieee-samples.js';

const db = loadVendorDb();
const SMALL: Record<IeeeRegistry, number> = { 'MA-L': 1, 'MA-M': 1, 'MA-S': 1, IAB: 1 };
// A real 2022 Hikvision row that the MA-L sample leaves out (oui.csv line 559 of the same file).
const HIKVISION_94E1AC = 'MA-L,94E1AC,"Hangzhou Hikvision Digital Technology Co.,Ltd.",No.555 Qianmo Road Hangzhou Zhejiang CN 310052 \r\n';

const samples = { 'MA-L': fixture('oui-sample.csv'), 'MA-M': fixture('mam-sample.csv'), 'MA-S': fixture('oui36-sample.csv'), IAB: fixture('iab.csv') };

let dir: string;
let server: RegistryServer;
const temp = mkdtempSync(join(tmpdir(), 'camaudit-registry-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
beforeEach(async () => {
  dir = mkdtempSync(join(temp, 'data-'));
  server = await serveRegistry(registryRoutes(samples));
});
afterEach(() => server.close());

const options = (o: Partial<UpdateOptions> = {}): UpdateOptions => ({
  source: { kind: 'download', base: server.base },
  dataDir: dir,
  knowledge: db.knowledge,
  notRelated: db.notRelated,
  minRows: SMALL,
  maxShrink: 1,
  now: () => new Date('2026-12-02T08:00:00Z'),
  ...o,
});

async function rejected(o: Partial<UpdateOptions> = {}): Promise<Error> {
  try {
    await updateRegistry(options(o));
  } catch (err) {
    return err as Error;
  }
  throw new Error('the update was accepted');
}

const stored = () => readFileSync(registryPath(dir), 'utf8');

describe('db update from a registry server', () => {
  it('downloads the four registries, saves them with their dates and sources, and scans then use them', async () => {
    const report = await updateRegistry(options());
    expect(server.requests).toEqual(['/oui/oui.csv', '/oui28/mam.csv', '/oui36/oui36.csv', '/iab/iab.csv']);
    expect(report.saved).toBe(true);
    expect(report.files.map((f) => [f.registry, f.from, f.date])).toEqual([
      ['MA-L', `${server.base}/oui/oui.csv`, '2026-12-01T04:45:00.000Z'],
      ['MA-M', `${server.base}/oui28/mam.csv`, '2026-12-01T04:45:00.000Z'],
      ['MA-S', `${server.base}/oui36/oui36.csv`, '2026-12-01T04:45:00.000Z'],
      ['IAB', `${server.base}/iab/iab.csv`, '2026-12-01T04:45:00.000Z'],
    ]);
    const state = readStoredRegistry(registryPath(dir));
    expect(state.state).toBe('valid');

    const effective = loadEffectiveRegistry(dir);
    expect(effective.refreshed?.savedAt).toBe('2026-12-02T08:00:00.000Z');
    const oui = effective.registry;
    expect(oui.lookup('28:57:be:aa:bb:01')?.org).toBe('Hangzhou Hikvision Digital Technology Co.,Ltd.');
    expect(oui.lookup('00:50:c2:7d:5a:bc')).toEqual({ prefix: '0050C27D5', org: 'DEUTA-WERKE GmbH' }); // IAB: not in oui-data
    expect(shippedOuiRegistry().lookup('00:50:c2:7d:5a:bc')?.org).toBe('IEEE Registration Authority');
    expect(oui.lookup('ac:cc:8e:00:00:04')).toBeNull(); // an Axis block the sample does not hold: the shipped data is not mixed in
  });

  it('reports the new Hikvision block of the next refresh, and no change for the others', async () => {
    await updateRegistry(options());
    server.routes = registryRoutes({ ...samples, 'MA-L': samples['MA-L'] + HIKVISION_94E1AC });
    const report = await updateRegistry(options());
    expect(report.previous).toMatch(/^the registry refreshed on 2026-12-02/);
    expect(report.diff.entities).toEqual([
      { entity: 'hikvision', name: 'Hangzhou Hikvision Digital Technology Co., Ltd.', restrictedFamily: 'hikvision', added: ['94E1AC'], removed: [], total: 5 },
    ]);
    expect(loadEffectiveRegistry(dir).registry.lookup('94:e1:ac:00:00:01')?.org).toBe('Hangzhou Hikvision Digital Technology Co.,Ltd.');
  });

  it('reports blocks withdrawn against the shipped oui-data, restricted families first', async () => {
    const report = await updateRegistry(options());
    expect(report.previous).toBe('the shipped oui-data 2.1.9 of 2026-08-26');
    const hik = report.diff.entities.find((c) => c.entity === 'hikvision')!;
    expect(hik.added).toEqual([]);
    expect(hik.removed).toContain('00BC99'); // in oui-data, not in the 2022 sample
    expect(hik.total).toBe(4);
    const firstUnrestricted = report.diff.entities.findIndex((c) => c.restrictedFamily === null);
    expect(report.diff.entities.slice(firstUnrestricted).every((c) => c.restrictedFamily === null)).toBe(true);
  });

  it('names IEEE organisations that read like a restricted maker but that vendor-db does not place', async () => {
    expect((await updateRegistry(options())).diff.lookalikes).toEqual([]); // Shanghai Dahua Scale Factory is in not-related.yaml
    const report = await updateRegistry(options({ notRelated: [] }));
    expect(report.diff.lookalikes).toEqual([{ org: 'Shanghai Dahua Scale Factory', family: 'dahua', prefixes: ['402C761'], added: [] }]);
  });

  it('checks but saves nothing with dryRun', async () => {
    const report = await updateRegistry(options({ dryRun: true }));
    expect(report.saved).toBe(false);
    expect(readStoredRegistry(registryPath(dir)).state).toBe('absent');
  });
});

describe('db update replaces nothing when', () => {
  beforeEach(async () => {
    await updateRegistry(options());
    server.requests.length = 0;
  });

  const unchanged = async (o: Partial<UpdateOptions>, message: RegExp) => {
    const before = stored();
    const err = await rejected(o);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(/nothing was replaced$/);
    expect(err.message.split('\n')).toHaveLength(1);
    expect(stored()).toBe(before);
  };

  it('a download breaks off before its Content-Length', async () => {
    server.routes = registryRoutes({ ...samples, 'MA-M': cutShort(samples['MA-M']) });
    await unchanged({}, /oui28\/mam\.csv: the transfer broke off|received \d+ of \d+ bytes/);
  });

  it('a file is truncated inside a quoted field', async () => {
    const ma = samples['MA-L'];
    server.routes = registryRoutes({ ...samples, 'MA-L': ma.slice(0, ma.indexOf('No.1199,Waterfront') + 5) });
    await unchanged({}, /oui\/oui\.csv: line \d+: truncated: the file ends inside a quoted field/);
  });

  it('a file has a malformed row', async () => {
    server.routes = registryRoutes({ ...samples, 'MA-S': samples['MA-S'].replace('MA-S,70B3D5719,2M Technology,', 'MA-S,70B3D5719,') });
    await unchanged({}, /oui36\/oui36\.csv: line 3: expected 4 fields, found 3/);
  });

  it('a registry lost rows against the one in use (a truncated download that still parses)', async () => {
    const lines = samples['MA-L'].split('\r\n');
    server.routes = registryRoutes({ ...samples, 'MA-L': `${lines.slice(0, 6).join('\r\n')}\r\n` });
    await unchanged({ maxShrink: 0.05 }, /5 MA-L rows where the registry in use has 22; a registry does not shrink by 77 %/);
  });

  it('the server answers 404 for one file', async () => {
    const { '/iab/iab.csv': _gone, ...rest } = registryRoutes(samples);
    server.routes = rest;
    await unchanged({}, /iab\/iab\.csv: HTTP 404/);
  });

  it('the server refuses the client, with a way out', async () => {
    server.routes = registryRoutes({ ...samples, 'MA-L': (res) => void res.writeHead(418).end() });
    await unchanged({}, /oui\/oui\.csv: HTTP 418 I'm a Teapot \(the site refused this client: fetch the files in a browser and use --from DIR\)/);
  });

  it('the server does not answer in time', async () => {
    server.routes = registryRoutes({ ...samples, 'MA-L': () => undefined }); // never responds
    await unchanged({ timeoutMs: 300 }, /oui\/oui\.csv: no answer within 0\.3 s/);
  });

  it('the files are real but below the published floors (no test minimum)', async () => {
    await unchanged({ minRows: undefined }, /only \d+ MA-L rows; the published registry has at least 30000/);
  });
});

describe('db update --from', () => {
  const write = (sub: string, files: Record<string, string>) => {
    const d = join(temp, sub);
    mkdirSync(d, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
    return d;
  };

  it('reads a directory of the published file names, IAB optional', async () => {
    const from = write('offline', { 'oui.csv': samples['MA-L'], 'mam.csv': samples['MA-M'], 'oui36.csv': samples['MA-S'] });
    const report = await updateRegistry(options({ source: { kind: 'files', paths: [from] } }));
    expect(report.files.map((f) => f.registry)).toEqual(['MA-L', 'MA-M', 'MA-S']);
    expect(report.files[0]!.from).toBe(join(from, 'oui.csv'));
    expect(server.requests).toEqual([]);
  });

  it('reads files by any name, each registry taken from its rows', async () => {
    const from = write('named', { 'a.csv': samples['MA-S'], 'b.csv': samples['MA-L'], 'c.csv': samples['MA-M'] });
    const report = await updateRegistry(options({ source: { kind: 'files', paths: ['a.csv', 'b.csv', 'c.csv'].map((f) => join(from, f)) } }));
    expect(report.files.map((f) => f.registry)).toEqual(['MA-L', 'MA-M', 'MA-S']);
  });

  it('refuses an incomplete set, a registry given twice and a missing path, as usage errors', async () => {
    const partial = write('partial', { 'oui.csv': samples['MA-L'], 'oui36.csv': samples['MA-S'] });
    const err = await rejected({ source: { kind: 'files', paths: [partial] } });
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/no MA-M registry \(mam\.csv\)/);
    const twice = write('twice', { 'x.csv': samples['MA-L'], 'y.csv': samples['MA-L'] });
    expect((await rejected({ source: { kind: 'files', paths: [partial, join(twice, 'x.csv')] } })).message).toMatch(/both MA-L registries/);
    expect((await rejected({ source: { kind: 'files', paths: [join(temp, 'nope')] } })).message).toMatch(/cannot read --from ".*nope"/);
  });
});

describe('the stored registry', () => {
  it('is ignored, with the reason, when it is damaged; the shipped data is used', async () => {
    await updateRegistry(options());
    const path = registryPath(dir);
    const data = JSON.parse(stored()) as { entries: Record<string, string> };
    delete data.entries['2857BE'];
    writeFileSync(path, JSON.stringify(data));
    const effective = loadEffectiveRegistry(dir);
    expect(effective.refreshed).toBeNull();
    expect(effective.problem).toBe('21 entries of 6 hex digits, files[] records 22');
    expect(effective.registry).toBe(shippedOuiRegistry());
    writeFileSync(path, '{"format":');
    expect(loadEffectiveRegistry(dir).problem).toMatch(/^not JSON/);
  });
});
