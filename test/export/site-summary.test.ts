// `export --by-site`: the per-site summary as CSV, JSON and NDJSON.
import { describe, expect, it } from 'vitest';
import { siteSummaryText } from '../../src/export/site-summary.js';

// A site name is whatever a sensor was told: a formula or a comma must stay a name in a spreadsheet.
const SITES = [
  { site: '=HYPERLINK("http://198.18.0.99")', devices: 3, flagged: 1, active: 1 },
  { site: 'lyon, depot', devices: 2, flagged: 1, active: 0 },
];

describe('the per-site summary', () => {
  it('is a CSV with a header, one CRLF row per site, formulas defused and commas quoted', () => {
    expect(siteSummaryText(SITES, 'csv')).toBe(
      'site,devices,flagged,open_findings\r\n"\'=HYPERLINK(""http://198.18.0.99"")",3,1,1\r\n"lyon, depot",2,1,0\r\n',
    );
  });

  it('is a JSON array and NDJSON lines with the same fields', () => {
    const rows = [
      { site: SITES[0]!.site, devices: 3, flagged: 1, openFindings: 1 },
      { site: 'lyon, depot', devices: 2, flagged: 1, openFindings: 0 },
    ];
    expect(JSON.parse(siteSummaryText(SITES, 'json'))).toEqual(rows);
    expect(siteSummaryText(SITES, 'ndjson').trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(rows);
  });

  it('has only its header when no device has a site', () => {
    expect(siteSummaryText([], 'csv')).toBe('site,devices,flagged,open_findings\r\n');
  });
});
