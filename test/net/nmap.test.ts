import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTargets } from '../../src/core/targets.js';
import { createScope } from '../../src/net/scope.js';
import { nmapArgs, nmapInstalled, runNmapSweep } from '../../src/net/nmap.js';

const eth0 = { name: 'eth0', address: '198.18.0.1', prefix: 24, subnet: { start: 3323068416, end: 3323068671 }, mac: null };

describe('nmap arguments', () => {
  it('passes the scope’s exclusions as --exclude and the sweep rate as --min-rate and --max-rate, targets after --', () => {
    const scope = createScope(parseTargets(['198.18.0.0/24', '198.19.1.0/24'], { exclude: ['198.18.0.13'] }), [eth0], { pace: { sweepRate: 50 } });
    expect(nmapArgs(scope.targets.specs, '/tmp/x.xml', { exclude: scope.excluded, rate: scope.pace.sweepRate })).toEqual([
      '-sn', '-n', '-oX', '/tmp/x.xml', '--packet-trace', '--stats-every', '1s',
      '--exclude', '198.18.0.0/31,198.18.0.13,198.18.0.255,198.19.1.0,198.19.1.255',
      '--min-rate', '50', '--max-rate', '50',
      '--', '198.18.0.0/24', '198.19.1.0/24',
    ]);
  });

  it('passes ranges as exact CIDR blocks, which nmap parses (it would resolve "a-b" as a host name)', () => {
    const args = nmapArgs(['198.18.0.31-198.18.0.39', '198.18.1.7'], '-');
    expect(args.slice(args.indexOf('--') + 1)).toEqual(['198.18.0.31', '198.18.0.32/29', '198.18.1.7']);
  });

  it('refuses a target outside the scan before starting nmap', async () => {
    const scope = createScope(parseTargets(['198.18.0.0/25']), [eth0]);
    const r = await runNmapSweep(scope, { targets: ['198.18.0.0/24'], timeoutMs: 1000, nmapPath: '/nonexistent/nmap', onHost: () => {} });
    expect(r).toMatchObject({ status: 'error', error: 'nmap target 198.18.0.0/24 is outside the scan targets' });
  });

  it('refuses an argument outside the allowlist without starting nmap, and leaves no file behind', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'camaudit-nmap-test-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp; // where the sweep's XML directory would go
    try {
      const scope = createScope(parseTargets(['198.18.0.0/24']), [eth0]);
      const r = await runNmapSweep(scope, { targets: ['198.18.0.0/24'], extraArgs: ['--script=vuln'], timeoutMs: 1000, nmapPath: '/nonexistent/nmap', onHost: () => {} });
      expect(r).toMatchObject({ status: 'error', error: expect.stringMatching(/not allowed/) });
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('refuses arguments outside the allowlist and targets that look like options', () => {
    expect(() => nmapArgs(['198.18.0.1'], '-', { extra: ['--script=vuln'] })).toThrow(/not allowed/);
    expect(() => nmapArgs(['-iL/etc/passwd'], '-')).toThrow(/looks like an option/);
  });
});

describe('nmapInstalled', () => {
  it('finds an executable by path or on PATH, and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'camaudit-nmap-test-'));
    try {
      writeFileSync(join(dir, 'fake-nmap'), '#!/bin/sh\n', { mode: 0o755 });
      writeFileSync(join(dir, 'not-executable'), '', { mode: 0o644 });
      mkdirSync(join(dir, 'a-directory'));
      expect(nmapInstalled(join(dir, 'fake-nmap'))).toBe(true);
      expect(nmapInstalled(join(dir, 'not-executable'))).toBe(false);
      expect(nmapInstalled(join(dir, 'a-directory'))).toBe(false);
      expect(nmapInstalled(join(dir, 'absent'))).toBe(false);
      const path = process.env.PATH;
      process.env.PATH = `/nonexistent:${dir}`;
      try {
        expect(nmapInstalled('fake-nmap')).toBe(true);
        expect(nmapInstalled('absent')).toBe(false);
      } finally {
        process.env.PATH = path;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
