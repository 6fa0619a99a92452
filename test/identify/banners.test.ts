// Identification from HTTP and RTSP banners (real answers in test/fixtures/http and rtsp) with the shipped
// vendor-db: observations built as the http and rtsp sources emit them.
import { describe, expect, it } from 'vitest';
import { mergeObservations } from '../../src/core/merge.js';
import type { JudgedDevice, MatchKey, Observation, SourceId } from '../../src/core/types.js';
import { identify } from '../../src/identify/identify.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { ouiRegistry } from '../../src/knowledge/oui.js';
import { resolvePolicy } from '../../src/policy/judge.js';
import { challengeBanner, parseChallenges, parseRpc2Challenge } from '../../src/protocols/http-banner.js';
import { parseRtspResponse } from '../../src/protocols/rtsp.js';
import { arp, fixture, obs } from './helpers.js';

const k = loadKnowledge();
const oui = ouiRegistry();
const policy = resolvePolicy(k, null);

function judged(observations: Observation[]): JudgedDevice {
  const devices = mergeObservations(observations);
  expect(devices).toHaveLength(1);
  return identify(devices[0]!, k, oui, policy);
}

/** What the rtsp source emits for one answer. */
function rtsp(ip: string, file: string): Observation[] {
  const r = parseRtspResponse(fixture(file));
  const realms = (r.headers['www-authenticate'] ?? []).flatMap((h) => parseChallenges(h).map(challengeBanner)).flatMap((b) => (b ? [b] : []));
  return [
    ...(r.headers.server ?? []).map((s) => obs(ip, 'rtsp', 'rtsp.server', s)),
    ...realms.map((b) => obs(ip, 'rtsp', 'rtsp.www-authenticate', b)),
  ];
}

const http = (ip: string, key: MatchKey, value: string, source: SourceId = 'http') => obs(ip, source, key, value);

describe('RTSP banners', () => {
  it('name Hikvision firmware by the DESCRIBE realm of a real camera, though OPTIONS says nothing', () => {
    const ip = '198.18.0.31';
    expect(rtsp(ip, 'rtsp/hikvision-options-200.txt')).toEqual([]);
    const d = judged([arp(ip, '0a:4e:b1:aa:bb:31'), ...rtsp(ip, 'rtsp/hikvision-describe-401.txt')]);
    expect(d.attribution).toMatchObject({ manufacturer: 'hikvision', brand: null, confidence: 'medium' });
    expect(d.restriction).toMatchObject({ entity: 'hikvision', basis: 'manufacturer' });
  });

  it('name Dahua firmware, with its serial, by the realm of a real OPTIONS 401', () => {
    const d = judged(rtsp('198.19.1.31', 'rtsp/dahua-options-401.txt'));
    expect(d.attribution).toMatchObject({ manufacturer: 'dahua', serial: '4M0747EPAA1D284' });
    expect(d.restriction?.entity).toBe('dahua');
  });

  it('name Dahua by the old Server header, ignoring the generic realm "device"', () => {
    const d = judged(rtsp('198.18.0.40', 'rtsp/dahua-401-device-nmap.txt'));
    expect(d.attribution).toMatchObject({ manufacturer: 'dahua', confidence: 'high' });
    expect(d.matches.map((m) => m.from.key)).toEqual(['rtsp.server']);
  });
});

describe('HTTP banners', () => {
  it("take a routed Dahua's MAC from its RPC2 login challenge, never from the router", () => {
    const ip = '198.19.1.31';
    const c = parseRpc2Challenge(fixture('http/dahua-rpc2-login-challenge.json'))!;
    const d = judged([http(ip, 'http.rpc2-login', c.realm!), http(ip, 'http.mac', c.mac!)]);
    expect(d).toMatchObject({ mac: '3c:ef:8c:61:01:c0', macSource: 'http' });
    expect(d.ouiVendor).toMatch(/Dahua/i);
    expect(d.attribution).toMatchObject({ manufacturer: 'dahua', serial: '4C045ADPAG60CD', confidence: 'high' });
  });

  it('name Hikvision by the realm of a real ISAPI 401', () => {
    const header = fixture('http/hikvision-isapi-401-headers.txt').split('\r\n').find((l) => l.startsWith('WWW-Authenticate:'))!.slice(17);
    const banner = challengeBanner(parseChallenges(header)[0]!)!;
    expect(judged([http('198.18.0.11', 'http.www-authenticate', banner)]).attribution.manufacturer).toBe('hikvision');
  });

  it('attribute an ANNKE-branded server running Hikvision firmware to Hikvision, keeping the brand', () => {
    const ip = '198.18.0.35';
    const d = judged([
      arp(ip, '0e:a2:7c:aa:bb:35'),
      http(ip, 'http.server', 'MWS 0.01'),
      http(ip, 'http.page-path', '/doc/page/login.asp'),
      ...rtsp(ip, 'rtsp/hikvision-describe-401.txt'),
    ]);
    expect(d.attribution).toMatchObject({ manufacturer: 'hikvision', brand: 'annke', relabel: null, conflicts: [] });
    expect(d.restriction).toMatchObject({ entity: 'hikvision', basis: 'manufacturer' });
  });

  it('let a brand-only banner fall back to the relabel table when no firmware signal is present', () => {
    const d = judged([arp('198.18.0.36', '0e:a2:7c:aa:bb:36'), http('198.18.0.36', 'http.server', 'MWS 0.01')]);
    expect(d.attribution).toMatchObject({ manufacturer: 'hikvision', brand: 'annke', relabel: { brand: 'annke', builtBy: 'hikvision' } });
    expect(d.restriction).toMatchObject({ entity: 'hikvision', basis: 'oem' });
  });

  it('leave Hanwha and Bosch unflagged', () => {
    expect(judged([http('198.18.0.33', 'http.www-authenticate', 'Digest realm="iPolis"')])).toMatchObject({ attribution: { manufacturer: 'hanwha' }, restriction: null });
    expect(judged([http('198.18.0.34', 'http.server', 'VCS-VideoJet-Webserver')])).toMatchObject({ attribution: { manufacturer: 'bosch' }, restriction: null });
  });
});
