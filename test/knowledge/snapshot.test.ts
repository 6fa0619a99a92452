// The knowledge snapshot (src/knowledge/snapshot.ts): what it restores is exactly what loading vendor-db builds,
// and it is refused the moment the database, its schemas or the loader's code differ from what it was made of.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultVendorDbDir, loadVendorDb, schemaDir } from '../../src/knowledge/load.js';
import { deserializeKnowledge, knowledgeDigest, serializeKnowledge, snapshotDigest } from '../../src/knowledge/snapshot.js';

const tmp = mkdtempSync(join(tmpdir(), 'camaudit-snapshot-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('knowledge snapshot', () => {
  const knowledge = loadVendorDb().knowledge;

  it('restores the Knowledge that loading vendor-db builds, Maps and RegExps included', () => {
    const restored = deserializeKnowledge(serializeKnowledge(knowledge, 'd'), 'd');
    expect(restored).toEqual(knowledge);
    const fp = [...restored!.fingerprints.values()][0]!.fingerprints[0]!;
    expect(fp.pattern).toBeInstanceOf(RegExp);
    expect(restored!.entities.get('hikvision')?.name).toBe(knowledge.entities.get('hikvision')?.name);
  });

  it('is refused under another digest', () => {
    expect(deserializeKnowledge(serializeKnowledge(knowledge, 'old'), 'new')).toBeNull();
  });

  it('changes digest when any vendor-db file changes', () => {
    const dir = join(tmp, 'vendor-db');
    cpSync(defaultVendorDbDir(), dir, { recursive: true });
    const before = knowledgeDigest(dir, schemaDir());
    const file = join(dir, 'relabels.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n# edited\n`);
    expect(knowledgeDigest(dir, schemaDir())).not.toBe(before);
  });

  it('is never used when the loader runs from source (the tests)', () => {
    expect(snapshotDigest(defaultVendorDbDir(), schemaDir())).toBeNull();
  });

  it('makes the compiled loader return the same Knowledge on its second run', () => {
    const load = fileURLToPath(new URL('../../dist/knowledge/load.js', import.meta.url));
    const script = `import(${JSON.stringify(load)}).then((m) => { const k = m.loadKnowledge(); console.log(JSON.stringify([k.entities.size, k.lists.length, [...k.fingerprints.keys()]])); })`;
    const run = () => spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    const first = run();
    const second = run(); // from the snapshot the first run wrote (or found)
    expect(first.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(JSON.parse(second.stdout)).toEqual([knowledge.entities.size, knowledge.lists.length, [...knowledge.fingerprints.keys()]]);
  });
});
