// Breaks a copy of vendor-db in one specific way per test and asserts the self-test reports exactly that,
// at the right `file:line`. Lines are found in the edited text, so the tests survive edits to the data.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultVendorDbDir, loadKnowledge, loadVendorDb } from '../../src/knowledge/load.js';
import { shippedOuiRegistry as ouiRegistry } from '../../src/knowledge/oui.js';
import { formatProblem } from '../../src/knowledge/problem.js';
import { verifyVendorDb } from '../../src/knowledge/verify.js';
import { useTempDir } from '../store/temp.js';

const tempDir = useTempDir();

/** A fresh copy of the real vendor-db. */
function copyDb(): string {
  const dir = join(tempDir(), 'vendor-db');
  cpSync(defaultVendorDbDir(), dir, { recursive: true });
  return dir;
}

/** The 1-based line of the one occurrence of `needle` in `file`. */
function lineIn(dir: string, file: string, needle: string): number {
  const text = readFileSync(join(dir, file), 'utf8');
  expect(text.split(needle), `"${needle}" once in ${file}`).toHaveLength(2);
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

/** Replaces the one match of `from` in `file`; returns the line where `at` (default `to`) now is. */
function edit(dir: string, file: string, from: string | RegExp, to: string, at: string = to): number {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const count = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from, `${from.flags}g`)) ?? []).length;
  expect(count, `${String(from)} once in ${file}`).toBe(1);
  writeFileSync(path, text.replace(from, () => to)); // a function, so `$'` in `to` is not a replacement pattern
  return lineIn(dir, file, at);
}

function reported(dir: string, level: 'FAIL' | 'WARN' = 'FAIL'): string[] {
  return verifyVendorDb(loadVendorDb(dir), ouiRegistry()).filter((p) => p.level === level).map(formatProblem);
}

describe('a broken vendor-db copy', () => {
  it('is clean before it is broken', () => {
    expect(reported(copyDb())).toEqual([]);
  });

  it('reports a list row naming an unknown entity', () => {
    const dir = copyDb();
    const line = edit(dir, 'lists/us-fcc-covered-list.yaml', '  - ref: row 2\n    entity: zte\n', '  - ref: row 2\n    entity: zte-corp\n', '- ref: row 2');
    expect(reported(dir)).toEqual([`lists/us-fcc-covered-list.yaml:${line}: FAIL unknown entity "zte-corp"`]);
  });

  it('reports a duplicate entity id with where it was first defined', () => {
    const dir = copyDb();
    const first = lineIn(dir, 'entities.yaml', '- id: d-link\n');
    const text = readFileSync(join(dir, 'entities.yaml'), 'utf8');
    writeFileSync(join(dir, 'entities.yaml'), `${text}  - id: d-link\n    name: D-Link again\n    sources: [S-OUI-DATA]\n`);
    const line = text.split('\n').length; // the appended entry starts on the file's old last (empty) line
    expect(reported(dir)).toEqual([`entities.yaml:${line}: FAIL duplicate id "d-link" (first defined at entities.yaml:${first})`]);
  });

  it('reports an example whose fields differ from its expect, showing both', () => {
    const dir = copyDb();
    const line = edit(dir, 'fingerprints/onvif.manufacturer.yaml', "- value: 'AXIS'\n        expect: { hw.brand: axis }", "- value: 'AXIS'\n        expect: { hw.brand: hikvision }", "- value: 'AXIS'");
    expect(reported(dir)).toEqual([
      `fingerprints/onvif.manufacturer.yaml:${line}: FAIL example "AXIS": expected {"hw.brand":"hikvision"}, got {"hw.brand":"axis"}`,
    ]);
  });

  it('reports an example taken by an earlier fingerprint in the file', () => {
    const dir = copyDb();
    const line = edit(
      dir, 'fingerprints/onvif.model.yaml',
      "- value: 'IPC-HDW1025C'\n        expect: { hw.model: IPC-HDW1025C }", "- value: 'DH-IPC-HDW1025C'\n        expect: { hw.model: DH-IPC-HDW1025C }",
      "- value: 'DH-IPC-HDW1025C'",
    );
    expect(reported(dir)).toEqual([
      `fingerprints/onvif.model.yaml:${line}: FAIL example "DH-IPC-HDW1025C" is matched first by "onvif-model-dahua" ` +
        '(got {"hw.vendor":"dahua","hw.model":"DH-IPC-HDW1025C"}), not by "onvif-model"',
    ]);
  });

  it('reports an example that matches no fingerprint', () => {
    const dir = copyDb();
    const line = edit(dir, 'fingerprints/soap.namespace.yaml', "- value: 'http://www.axis.com/2009/event/topics'", "- value: 'http://www.axis.com/2010/event/topics'");
    expect(reported(dir)).toEqual([
      `fingerprints/soap.namespace.yaml:${line}: FAIL example "http://www.axis.com/2010/event/topics" matches no fingerprint; expected {"hw.vendor":"axis"}`,
    ]);
  });

  it('reports a schema violation: a list without its citation', () => {
    const dir = copyDb();
    const line = edit(dir, 'lists/us-ndaa-fy2019-sec889.yaml', /^citation: .*\n/m, '', 'id: us-ndaa-fy2019-sec889');
    expect(reported(dir)).toEqual([`lists/us-ndaa-fy2019-sec889.yaml:${line}: FAIL schema: (file): missing required property "citation"`]);
  });

  it('reports a pattern that is not a valid regular expression', () => {
    const dir = copyDb();
    const bad = '^(?:[A-Za-z_][\\w.-]*:)?NetworkVideoStorage($';
    const line = edit(dir, 'fingerprints/wsd.types.yaml', "pattern: '^(?:[A-Za-z_][\\w.-]*:)?NetworkVideoStorage$'", `pattern: '${bad}'`);
    const error = (() => {
      try {
        return new RegExp(bad);
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(reported(dir)).toEqual([`fingerprints/wsd.types.yaml:${line}: FAIL invalid regular expression: ${String(error)}`]);
  });

  it('reports an ouiOrgName that the IEEE registry does not have', () => {
    const dir = copyDb();
    const misspelt = 'Hytera Communications Co., Ltd.'; // the registry writes "Hytera Communications Co .,ltd"
    expect(ouiRegistry().prefixesOf(misspelt)).toEqual([]);
    edit(dir, 'entities.yaml', '"Hytera Communications Co .,ltd"', `"${misspelt}"`);
    const line = lineIn(dir, 'entities.yaml', '- id: hytera\n');
    expect(reported(dir)).toEqual([`entities.yaml:${line}: FAIL ouiOrgName "${misspelt}" is not an organisation in the OUI registry`]);
  });

  it('reports an alias that makes a not-related organisation read as a restricted brand (whole-word prefix)', () => {
    const dir = copyDb();
    edit(dir, 'entities.yaml', '      - Dahua # ONVIF Manufacturer and name scope\n', '      - Dahua # ONVIF Manufacturer and name scope\n      - Shanghai Dahua\n');
    const line = lineIn(dir, 'not-related.yaml', '- ouiOrgName: "Shanghai Dahua Scale Factory"');
    expect(reported(dir)).toEqual([`not-related.yaml:${line}: FAIL "Shanghai Dahua Scale Factory" reads as brand "dahua" of the restricted dahua family`]);
  });

  it('reports an alias that two entities claim once normalised', () => {
    const dir = copyDb();
    edit(dir, 'entities.yaml', '    aliases: [Uniview, UNV, Zhejiang Uniview Technologies]', '    aliases: [Uniview, UNV, Zhejiang Uniview Technologies, Dahua_Technology]');
    const line = lineIn(dir, 'entities.yaml', '- id: uniview\n');
    expect(reported(dir)).toEqual([`entities.yaml:${line}: FAIL alias "Dahua_Technology" already belongs to "dahua"`]);
  });

  it('reports an organisation that is both an entity\'s and not related, and WARNs on one the registry lacks', () => {
    const dir = copyDb();
    const addition = '  - ouiOrgName: "Axis Communications AB"\n    reason: x\n    sources: [S-OUI-DATA]\n' +
      '  - ouiOrgName: "Hikvisionary Optics Ltd"\n    reason: x\n    sources: [S-OUI-DATA]\n';
    const axis = edit(dir, 'not-related.yaml', 'notRelated:\n', `notRelated:\n${addition}`, '- ouiOrgName: "Axis');
    const scales = axis + 3;
    expect(reported(dir)).toEqual([`not-related.yaml:${axis}: FAIL "Axis Communications AB" is also an ouiOrgName of entity "axis"`]);
    expect(reported(dir, 'WARN')).toEqual([`not-related.yaml:${scales}: WARN "Hikvisionary Optics Ltd" is not an organisation in the OUI registry`]);
  });

  it('reports a list that may flag but names no equipment maker, at its flags line', () => {
    const dir = copyDb();
    const line = edit(dir, 'lists/us-ndaa-fy2018-sec1634.yaml', /^flags: false.*$/m, 'flags: true');
    expect(reported(dir)).toEqual([`lists/us-ndaa-fy2018-sec1634.yaml:${line}: FAIL flags: true but no row names an entity with covers: equipment`]);
  });

  it('makes loadKnowledge throw, listing the problem', () => {
    const dir = copyDb();
    edit(dir, 'lists/us-fcc-covered-list.yaml', '  - ref: row 2\n    entity: zte\n', '  - ref: row 2\n    entity: zte-corp\n');
    expect(() => loadKnowledge(dir)).toThrow(/lists\/us-fcc-covered-list\.yaml:\d+: FAIL unknown entity "zte-corp"/);
  });
});

// bin/verify-db.js runs the compiled verifier; `npm test` builds dist/ first.
const root = fileURLToPath(new URL('../..', import.meta.url));
const built = existsSync(join(root, 'dist/knowledge/verify.js'));

describe.skipIf(!built)('bin/verify-db.js (needs dist/: run `npm run build`)', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/verify-db.js'), ...args], { encoding: 'utf8' });

  it('passes the real database with a one-line summary', () => {
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^.*vendor-db: \d+ entities, \d+ lists, \d+ rows, \d+ fingerprints, \d+ examples checked; 0 FAIL, 0 WARN\n$/);
    expect(r.status).toBe(0);
  });

  it('exits 1 on a broken copy, printing the problem to stderr', () => {
    const dir = copyDb();
    const line = edit(dir, 'lists/us-fcc-covered-list.yaml', '  - ref: row 2\n    entity: zte\n', '  - ref: row 2\n    entity: zte-corp\n', '- ref: row 2');
    const r = run(dir);
    expect(r.stderr).toContain(`lists/us-fcc-covered-list.yaml:${line}: FAIL unknown entity "zte-corp"\n`);
    expect(r.stdout).toContain('; 1 FAIL, 0 WARN');
    expect(r.status).toBe(1);
  });
});
