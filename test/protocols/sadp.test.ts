import { describe, expect, it } from 'vitest';
import { buildProbe, MAX_SADP_BYTES, MAX_SADP_FIELD, newProbeUuid, parseProbeMatch } from '../../src/protocols/sadp.js';
import { parseXml } from '../../src/protocols/xml.js';
import { BILLION_LAUGHS, expectParseError, fixture, mutations, onlyParseError, randomBytesText, XXE } from './hostile.js';

const DS_2385 = fixture('sadp/hikvision-ds-2cd2385g1-i-probematch.xml');
const SELFTEST = fixture('sadp/universalscanner-selftest-probematch.xml');

describe('parseProbeMatch on real replies', () => {
  it('Hikvision DS-2CD2385G1-I', () => {
    expect(parseProbeMatch(DS_2385)).toEqual({
      uuid: 'e8ecfe09-90e4-44c0-842b-703f46b58c81',
      types: 'inquiry',
      deviceType: '141945',
      description: 'DS-2CD2385G1-I',
      serial: 'DS-2CD2385G1-I20200414AAWRE33842150',
      mac: '58-50-ed-1f-e3-85',
      ipv4: '192.168.124.40',
      firmware: 'V5.6.2build 190701',
      activated: true,
      oem: [{ field: 'DetailOEMCode', value: '1' }],
    });
  });

  it("UniversalScanner's self-test reply (no OEM fields)", () => {
    const r = parseProbeMatch(SELFTEST);
    expect(r).toMatchObject({ types: 'inquiry', description: 'Virtual', mac: '00-11-22-33-44-55', ipv4: '127.0.0.1', activated: true, oem: [] });
  });

  it('reads Activated false, and OEMInfo when a device sends it', () => {
    const r = parseProbeMatch(DS_2385.replace('<Activated>true</Activated>', '<Activated>false</Activated><OEMInfo>ANNKE</OEMInfo>'));
    expect(r.activated).toBe(false);
    expect(r.oem).toEqual([
      { field: 'DetailOEMCode', value: '1' },
      { field: 'OEMInfo', value: 'ANNKE' },
    ]);
  });
});

describe('buildProbe', () => {
  it('is the one-line probe of hikvision-tooling and UniversalScanner', () => {
    const uuid = newProbeUuid();
    expect(buildProbe(uuid)).toBe(`<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>${uuid}</Uuid><Types>inquiry</Types></Probe>`);
    expect(parseXml(buildProbe(uuid))).toEqual({ Probe: { Uuid: uuid, Types: 'inquiry' } });
    expect(() => buildProbe('x</Uuid><Types>')).toThrow(/UUID/);
  });

  it('never reads its own probe (looped back on the group) as a reply', () => {
    expectParseError(() => parseProbeMatch(buildProbe(newProbeUuid())), /<Probe> is not a ProbeMatch/);
  });
});

describe('parseProbeMatch refuses what is not a ProbeMatch', () => {
  it('truncated: every cut of the real reply that breaks the XML is a ParseError', () => {
    const end = DS_2385.indexOf('</ProbeMatch>') + '</ProbeMatch>'.length;
    for (let cut = 0; cut < end; cut += 7) expectParseError(() => parseProbeMatch(DS_2385.slice(0, cut)));
  });

  it('malformed and hostile XML', () => {
    expectParseError(() => parseProbeMatch(BILLION_LAUGHS), /DOCTYPE/);
    expectParseError(() => parseProbeMatch(XXE), /DOCTYPE/);
    expectParseError(() => parseProbeMatch('<ProbeMatch><Types>inquiry</Types>'), /malformed/);
    expectParseError(() => parseProbeMatch('<ProbeMatch><__proto__><Types>inquiry</Types></__proto__></ProbeMatch>'));
    expectParseError(() => parseProbeMatch('<Hello><Types>hello</Types></Hello>'), /<Hello> is not a ProbeMatch/);
    expectParseError(() => parseProbeMatch('<ProbeMatch>inquiry</ProbeMatch>'), /no fields/);
  });

  it('a ProbeMatch without Types, or with a field that is not text or too long', () => {
    expectParseError(() => parseProbeMatch(DS_2385.replace('<Types>inquiry</Types>', '')), /without Types/);
    expectParseError(() => parseProbeMatch(DS_2385.replace('<MAC>58-50-ed-1f-e3-85</MAC>', '<MAC><a>1</a></MAC>')), /MAC is not a text element/);
    const long = 'A'.repeat(MAX_SADP_FIELD + 1);
    expectParseError(() => parseProbeMatch(DS_2385.replace('DS-2CD2385G1-I</DeviceDescription>', `${long}</DeviceDescription>`)), /DeviceDescription longer/);
  });

  it('oversized', () => {
    const padded = DS_2385.replace('</ProbeMatch>', `<Pad>${'x'.repeat(MAX_SADP_BYTES)}</Pad></ProbeMatch>`);
    expectParseError(() => parseProbeMatch(padded), /larger than/);
  });

  it('single-character mutations and random bytes only ever give a ParseError', () => {
    for (const m of mutations(DS_2385, 400, 37020)) onlyParseError(() => parseProbeMatch(m), JSON.stringify(m.slice(0, 60)));
    for (let seed = 1; seed <= 50; seed++) expectParseError(() => parseProbeMatch(randomBytesText(300, seed)));
  });
});
