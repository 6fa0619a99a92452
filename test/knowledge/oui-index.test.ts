// The registry index (src/knowledge/oui-index.ts): it answers exactly as the registry data it was built from,
// and a saved index that is stale, damaged or cut short is never believed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { buildOuiIndex, cachedOuiIndex, openOuiIndex, orgName } from '../../src/knowledge/oui-index.js';
import { createOuiRegistry, effectiveOuiRegistry, shippedOuiRegistry } from '../../src/knowledge/oui.js';
import { REGISTRY_FORMAT, registryIndexPath, registryPath, writeStoredRegistry } from '../../src/knowledge/registry-file.js';

const ouiData = createRequire(import.meta.url)('oui-data') as Record<string, string>;
const tmp = mkdtempSync(join(tmpdir(), 'camaudit-oui-index-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const LAST_YEAR = new Date(Date.now() - 365 * 86_400_000);
/** Old enough to be indexed (a file changed within the last 2 s is not). */
const settle = (path: string) => utimesSync(path, LAST_YEAR, LAST_YEAR);
const open = (data: Record<string, string>) => openOuiIndex(buildOuiIndex(data, 'source'), 'source')!;
const macOf = (key: string, fill: string) => (key + fill.repeat(12)).slice(0, 12);

describe('index of the shipped oui-data', () => {
  const index = open(ouiData);
  const keys = Object.keys(ouiData).sort();

  it('finds every key, the first and the last included, with its organisation', () => {
    expect(index.size).toBe(keys.length);
    expect(keys.filter((key) => index.orgOf(key) !== orgName(ouiData[key]!))).toEqual([]);
    expect(index.orgOf(keys[0]!)).toBe('XEROX CORPORATION');
    expect(index.orgOf(keys.at(-1)!)).toBe(orgName(ouiData[keys.at(-1)!]!));
  });

  it('finds no key that is not registered', () => {
    const missing = ['000000000', 'FFFFFF', 'FFFFFFFFF', '2857BE0', '402C7610', '0'];
    for (const key of missing) expect(ouiData[key], key).toBeUndefined();
    for (const key of missing) expect(index.orgOf(key), key).toBeNull();
  });

  it('gives the shipped registry the lookups of the parsed JSON for a MAC in every block', () => {
    const parsed = createOuiRegistry(ouiData);
    const shipped = shippedOuiRegistry();
    const differ = keys.flatMap((key) => ['0', 'F', '8'].map((fill) => macOf(key, fill))).filter((mac) => JSON.stringify(shipped.lookup(mac)) !== JSON.stringify(parsed.lookup(mac)));
    expect(differ).toEqual([]);
    expect(shipped.lookup('00:1b:c5:00:0a:bc')).toEqual({ prefix: '001BC5000', org: 'Converging Systems Inc.' }); // MA-S inside an MA-L
    expect([...shipped.keys()].sort()).toEqual(keys);
    expect(shipped.size).toBe(parsed.size);
    expect([...shipped.prefixesOf('Hangzhou Hikvision Digital Technology Co.,Ltd.')].sort()).toEqual([...parsed.prefixesOf('Hangzhou Hikvision Digital Technology Co.,Ltd.')].sort());
  });
});

describe('index of any registry', () => {
  const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9A-F]{${length}}$`));
  const key = fc.oneof(hex(6), hex(7), hex(9));
  // Few distinct leading digits, so that keys share prefixes and probes land between them.
  const near = fc.oneof(key, key.map((k) => `A8${k.slice(2)}`), key.map((k) => `A8BB${k.slice(4)}`));
  // Tabs, line breaks and non-ASCII names included.
  const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'binary-ascii', maxLength: 30 }));

  it('agrees with the data on present, absent, shorter and longer keys', () => {
    fc.assert(
      fc.property(fc.dictionary(near, value, { maxKeys: 60 }), fc.array(near, { maxLength: 30 }), (data, probes) => {
        const index = open(data);
        const keys = Object.keys(data);
        for (const probe of [...keys, ...probes, ...keys.map((k) => k.slice(0, 6)), ...keys.map((k) => k.slice(0, 7)), ...keys.map((k) => `${k}0`)]) {
          expect(index.orgOf(probe), probe).toBe(data[probe] === undefined ? null : orgName(data[probe]));
        }
        expect(index.size).toBe(keys.length);
        expect(index.entries()).toEqual(keys.sort().map((k) => [k, orgName(data[k]!)]));
      }),
      { numRuns: 300 },
    );
  });
});

describe('saved index', () => {
  let dir: string;
  let source: string;
  let file: string;
  let loads: number;
  const load = () => {
    loads++;
    return JSON.parse(readFileSync(source, 'utf8')) as Record<string, string>;
  };
  const writeSource = (data: Record<string, string>) => {
    writeFileSync(`${source}.new`, JSON.stringify(data));
    renameSync(`${source}.new`, source); // as npm and `db update` replace files
    settle(source);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmp, 'saved-'));
    source = join(dir, 'registry.json');
    file = join(dir, 'registry.index.tsv');
    loads = 0;
    writeSource({ A8BBCC: 'Old Maker Ltd' });
  });

  it('is built once, then read instead of the source', () => {
    expect(cachedOuiIndex(source, file, load)?.orgOf('A8BBCC')).toBe('Old Maker Ltd');
    expect(cachedOuiIndex(source, file, load)?.orgOf('A8BBCC')).toBe('Old Maker Ltd');
    expect(loads).toBe(1);
  });

  it('is rebuilt when the source is replaced, even by one of the same size', () => {
    cachedOuiIndex(source, file, load);
    writeSource({ A8BBCC: 'New Maker Ltd' });
    expect(cachedOuiIndex(source, file, load)?.orgOf('A8BBCC')).toBe('New Maker Ltd');
    expect(loads).toBe(2);
  });

  it('is rebuilt when the source is changed in place', () => {
    cachedOuiIndex(source, file, load);
    writeFileSync(source, JSON.stringify({ A8BBCC: 'New Maker Ltd' }));
    settle(source); // even given back the old times
    expect(cachedOuiIndex(source, file, load)?.orgOf('A8BBCC')).toBe('New Maker Ltd');
  });

  it('is neither saved nor trusted while the source may still be changing', () => {
    writeFileSync(source, JSON.stringify({ A8BBCC: 'Old Maker Ltd' })); // modified now
    expect(cachedOuiIndex(source, file, load)?.orgOf('A8BBCC')).toBe('Old Maker Ltd');
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });

  it('is not believed when damaged or cut short, and is then rewritten whole', () => {
    cachedOuiIndex(source, file, load);
    const good = readFileSync(file);
    const edit = (from: string, to: string) => Buffer.from(good.toString('latin1').replace(from, to), 'latin1');
    const damaged = [edit('Old Maker', 'Bad Maker'), edit('\t1\t', '\t2\t'), good.subarray(0, good.length - 5), good.subarray(0, good.indexOf('\n') + 1), Buffer.alloc(0)];
    for (const bad of damaged) {
      expect(bad.equals(good)).toBe(false);
      writeFileSync(file, bad);
      const index = cachedOuiIndex(source, file, load);
      expect([index?.orgOf('A8BBCC'), index?.size]).toEqual(['Old Maker Ltd', 1]);
      expect(readFileSync(file).equals(good)).toBe(true);
    }
    truncateSync(file, 10);
    expect(cachedOuiIndex(source, file, load)?.orgOf('A8BBCC')).toBe('Old Maker Ltd');
    expect(loads).toBe(7);
  });

  it('answers without being saved where it cannot be written', () => {
    expect(cachedOuiIndex(source, join(dir, 'missing', 'index.tsv'), load)?.orgOf('A8BBCC')).toBe('Old Maker Ltd');
  });
});

describe('the registry scans use', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmp, 'data-'));
  });
  /** Saves a registry as `db update` does (files[] must count the entries of each length). */
  const save = (entries: Record<string, string>) => {
    const rows = (length: number) => Object.keys(entries).filter((key) => key.length === length).length;
    const files = ([['MA-L', 6], ['MA-M', 7], ['MA-S', 9]] as const).map(([registry, length]) => ({ registry, from: 'test', rows: rows(length), sha256: '0', date: null }));
    writeStoredRegistry({ format: REGISTRY_FORMAT, savedAt: '2026-12-02T08:00:00.000Z', files, entries }, registryPath(dir));
    settle(registryPath(dir));
  };
  const refresh = (org: string) => save({ '2857BE': org, A8BBCC: 'Example Maker' });

  it('is the refreshed registry, from its index once saved, and the next refresh as soon as it is saved', () => {
    refresh('Refreshed Name Co.');
    expect(effectiveOuiRegistry(dir).lookup('28:57:be:00:00:01')?.org).toBe('Refreshed Name Co.');
    expect(readFileSync(registryIndexPath(dir), 'utf8')).toContain('2857BE\tRefreshed Name Co.\n');
    expect(effectiveOuiRegistry(dir).lookup('a8:bb:cc:00:00:01')?.org).toBe('Example Maker');
    expect(effectiveOuiRegistry(dir).lookup('00:1b:c5:00:0a:bc')).toBeNull(); // not mixed with the shipped data
    refresh('Refreshed Again Co');
    expect(effectiveOuiRegistry(dir).lookup('28:57:be:00:00:01')?.org).toBe('Refreshed Again Co');
  });

  it('keeps the longest-prefix lookups of createOuiRegistry', () => {
    const entries = { A8BBCC: 'Large Block Inc.', A8BBCC1: 'Medium Block Ltd', A8BBCC123: 'Small Block GmbH', A8BBCD: 'Next Block' };
    save(entries);
    const expected: Record<string, string | null> = {
      'a8:bb:cc:12:34:56': 'A8BBCC123',
      'a8:bb:cc:12:44:56': 'A8BBCC1',
      'a8:bb:cc:1f:00:00': 'A8BBCC1',
      'a8:bb:cc:2f:00:00': 'A8BBCC',
      'a8:bb:cd:ff:ff:ff': 'A8BBCD',
      'a8:bb:ce:00:00:00': null,
      'a8:bb:cb:ff:ff:ff': null,
      'aa:bb:cc:12:34:56': null, // locally administered
      'a9:bb:cc:12:34:56': null, // multicast
    };
    for (let run = 0; run < 2; run++) {
      const registry = effectiveOuiRegistry(dir); // built, then read from the saved index
      for (const [mac, prefix] of Object.entries(expected)) {
        expect(registry.lookup(mac), mac).toEqual(createOuiRegistry(entries).lookup(mac));
        expect(registry.lookup(mac)?.prefix ?? null, mac).toBe(prefix);
      }
    }
  });

  it('is the shipped one when the refreshed registry is damaged, whatever index lies beside it', () => {
    refresh('Refreshed Name Co.');
    effectiveOuiRegistry(dir);
    writeFileSync(registryPath(dir), '{"format":');
    settle(registryPath(dir));
    expect(effectiveOuiRegistry(dir).lookup('28:57:be:00:00:01')?.org).toBe('Hangzhou Hikvision Digital Technology Co.,Ltd.');
    rmSync(registryPath(dir));
    expect(effectiveOuiRegistry(dir).lookup('28:57:be:00:00:01')?.org).toBe('Hangzhou Hikvision Digital Technology Co.,Ltd.');
  });

  it('answers the same from the compiled package, with its index saved or not yet', () => {
    const oui = fileURLToPath(new URL('../../dist/knowledge/oui.js', import.meta.url));
    const macs = ['28:57:be:aa:bb:01', '40:2c:76:1a:bc:de', '00:1b:c5:00:0a:bc', 'ac:cc:8e:00:00:04', '2a:57:be:aa:bb:01', 'fc:ff:ff:00:00:00'];
    const script = `import(${JSON.stringify(oui)}).then((m) => console.log(JSON.stringify(${JSON.stringify(macs)}.map((mac) => m.ouiRegistry().lookup(mac)))))`;
    const run = () => spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, CAMAUDIT_DATA_DIR: dir } });
    const expected = JSON.stringify(macs.map((mac) => createOuiRegistry(ouiData).lookup(mac)));
    rmSync(join(dirname(oui), 'oui-index.tsv'), { force: true });
    const first = run(); // builds and saves the index
    expect(first.stderr).toBe('');
    expect(readFileSync(join(dirname(oui), 'oui-index.tsv'), 'latin1')).toMatch(/^camaudit-oui-index\/1\t/);
    expect(first.stdout.trim()).toBe(expected);
    expect(run().stdout.trim()).toBe(expected); // from the index the first run saved
  });
});
