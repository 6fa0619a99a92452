// The vendor-db self-test as tests: one generated test per entry of the database (its name is the entry's
// itemLabel, so a failure names the entry), then facts about the data that camaudit's mission relies on.
import { describe, expect, it } from 'vitest';
import { restrictedFamilyOf } from '../src/knowledge/family.js';
import { loadVendorDb } from '../src/knowledge/load.js';
import { shippedOuiRegistry as ouiRegistry } from '../src/knowledge/oui.js';
import { formatProblem, itemLabel } from '../src/knowledge/problem.js';
import type { RestrictionList } from '../src/knowledge/types.js';
import { verifyVendorDb } from '../src/knowledge/verify.js';

const db = loadVendorDb();
const oui = ouiRegistry();
const problems = verifyVendorDb(db, oui);
const k = db.knowledge;

const failsOf = (item: string | undefined) => problems.filter((p) => p.level === 'FAIL' && p.item === item).map(formatProblem);

const fingerprints = [...k.fingerprints.values()].flatMap((fdb) => fdb.fingerprints.map((fp) => ({ file: fdb.file, fp })));
const items: Record<string, string[]> = {
  sources: [...k.sources.keys()].map(itemLabel.source),
  entities: [...k.entities.keys()].map(itemLabel.entity),
  'not-related': db.notRelated.map((nr) => itemLabel.notRelated(nr.ouiOrgName)),
  relabels: k.relabels.map((r) => itemLabel.relabel(r.brand, r.builtBy)),
  lists: k.lists.map((l) => itemLabel.list(l.file)),
  'list rows': k.lists.flatMap((l) => l.rows.map((r) => itemLabel.row(l.file, r.ref))),
  fingerprints: fingerprints.map(({ file, fp }) => itemLabel.fingerprint(file, fp.id)),
  'fingerprint examples': fingerprints.flatMap(({ file, fp }) => fp.examples.map((ex) => itemLabel.example(file, fp.id, ex.value))),
};

describe('vendor-db self-test', () => {
  for (const [kind, labels] of Object.entries(items)) {
    describe(kind, () => {
      it('has entries', () => expect(labels.length).toBeGreaterThan(0));
      for (const label of labels) it(label, () => expect(failsOf(label)).toEqual([]));
    });
  }

  it('has no file-level FAILs', () => expect(failsOf(undefined)).toEqual([]));

  it('reports every FAIL under a file or an entry tested above', () => {
    const known = new Set(Object.values(items).flat());
    expect(problems.filter((p) => p.item !== undefined && !known.has(p.item)).map(formatProblem)).toEqual([]);
  });
});

function list(id: string): RestrictionList {
  const found = k.lists.find((l) => l.id === id);
  if (!found) throw new Error(`no list ${id}`);
  return found;
}

const RESTRICTED = ['hikvision', 'dahua', 'huawei', 'zte', 'hytera'];
const PURPOSE_LIMITED = ['hikvision', 'dahua', 'hytera'];

describe('restriction lists', () => {
  it('FCC Covered List has a dated equipment row for each restricted maker, purpose-limited for video surveillance', () => {
    const fcc = list('us-fcc-covered-list');
    expect(fcc.flags).toBe(true);
    expect(fcc.coversAffiliates).toBe(true);
    for (const id of RESTRICTED) {
      const row = fcc.rows.find((r) => r.entity === id);
      expect(row, id).toBeDefined();
      expect(row!.covers).toBe('equipment');
      expect(row!.dateOfInclusion).toBe('2021-03-12');
      if (PURPOSE_LIMITED.includes(id)) expect(row!.scopeLimit, id).toMatch(/public safety/);
      else expect(row!.scopeLimit, id).toBeNull();
    }
  });

  it('NDAA §889 names the same five makers', () => {
    const sec889 = list('us-ndaa-fy2019-sec889');
    expect(sec889.flags && sec889.defaultPolicy).toBe(true);
    expect(sec889.rows.map((r) => r.entity).sort()).toEqual([...RESTRICTED].sort());
  });

  it('the UK surveillance statement and the Australian Defence removal are context only', () => {
    for (const id of ['uk-wms-2022-surveillance', 'au-defence-2023']) expect(list(id).flags, id).toBe(false);
  });

  it('every restricted maker is in a restricted family of its own', () => {
    for (const id of RESTRICTED) expect(restrictedFamilyOf(k, id)).toBe(id);
    expect(restrictedFamilyOf(k, 'ezviz')).toBe('hikvision');
    expect(restrictedFamilyOf(k, 'axis')).toBeNull();
  });
});

describe('OUI organisation names', () => {
  // Real MA-L assignments in oui-data 2.1.9, one per restricted maker.
  const cases: [mac: string, org: string, entity: string][] = [
    ['28:57:be:12:34:56', 'Hangzhou Hikvision Digital Technology Co.,Ltd.', 'hikvision'],
    ['08:ed:ed:12:34:56', 'Zhejiang Dahua Technology Co., Ltd.', 'dahua'],
    ['00:e0:fc:12:34:56', 'HUAWEI TECHNOLOGIES CO.,LTD', 'huawei'],
    ['00:15:eb:12:34:56', 'zte corporation', 'zte'],
    ['9c:06:6e:12:34:56', 'Hytera Communications Corporation Limited', 'hytera'],
  ];
  for (const [mac, org, entity] of cases) {
    it(`${mac} → ${org} → ${entity}`, () => {
      expect(oui.lookup(mac)?.org).toBe(org);
      expect(k.ouiOrgToEntity.get(org)).toBe(entity);
    });
  }

  it('every restricted maker has organisation names, each with registry prefixes', () => {
    for (const id of RESTRICTED) {
      const orgs = k.entities.get(id)!.ouiOrgNames;
      expect(orgs.length, id).toBeGreaterThan(0);
      for (const org of orgs) expect(oui.prefixesOf(org).length, org).toBeGreaterThan(0);
    }
  });

  it('00:40:8c → Axis, which is not restricted', () => {
    const org = oui.lookup('00:40:8c:12:34:56')!.org;
    const entity = k.ouiOrgToEntity.get(org)!;
    expect(entity).toBe('axis');
    expect(restrictedFamilyOf(k, entity)).toBeNull();
  });

  it('40:2c:76:1… is Shanghai Dahua Scale Factory (an MA-M block), not Dahua', () => {
    const org = oui.lookup('40:2c:76:1a:bc:de')!.org;
    expect(org).toBe('Shanghai Dahua Scale Factory');
    expect(k.ouiOrgToEntity.get(org)).toBeUndefined();
    expect(db.notRelated.map((nr) => nr.ouiOrgName)).toContain(org);
  });
});
