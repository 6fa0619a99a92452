// The README "Performance" tables, in Markdown, from a results object of run.js.

const s = (ms) => (ms === null || ms === undefined ? '–' : ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(0)} s`);
const mb = (x) => (x === null || x === undefined ? '–' : `${Math.round(x)} MB`);
const row = (cells) => `| ${cells.join(' | ')} |\n`;

/** Cameras identified: n/n, or the worst run's count with every run's when some run missed one. */
function camerasFound(l) {
  const c = l.camaudit;
  const byRun = (c.cameraMissesByRun ?? [c.check.cameraMisses]).map((m) => l.cameras - m.length);
  return c.allCamerasIdentified ? `${l.cameras}/${l.cameras}` : `${Math.min(...byRun)}/${l.cameras} (runs: ${byRun.join(', ')})`;
}

function labTables(labs) {
  const entries = Object.values(labs).sort((a, b) => a.addresses - b.addresses);
  if (entries.length === 0) return '';
  let out = row(['lab', 'live / addresses', '`nmap -sn -n`', '`camaudit scan`', 'ratio', 'camaudit CPU', 'peak RSS', 'cameras identified', 'table_fulls per run']);
  out += row(['---', '---', '---', '---', '---', '---', '---', '---', '---']);
  for (const l of entries) {
    const c = l.camaudit;
    out += row([
      l.cidr,
      `${l.live} / ${l.addresses.toLocaleString('en')}`,
      `${s(l.nmap.medianMs)}${l.nmapReps < l.reps ? ` (${l.nmapReps} run)` : ''}`,
      s(c.medianMs),
      l.ratio === null ? '–' : `${l.ratio.toFixed(2)}×`,
      s(c.cpuMs),
      mb(c.maxRssMb),
      camerasFound(l),
      c.tableFullsByRun ? c.tableFullsByRun.join(', ') : '–',
    ]);
  }
  out += '\nWhere camaudit\'s time went (medians; sources overlap, they run concurrently):\n\n';
  const sources = [...new Set(entries.flatMap((l) => Object.keys(l.camaudit.sourcesMs)))];
  out += row(['lab', 'node start', 'load', 'scan', 'store + output', ...sources]);
  out += row(['---', '---', '---', '---', '---', ...sources.map(() => '---')]);
  for (const l of entries) {
    const p = l.camaudit.phasesMs;
    out += row([l.cidr, s(p.nodeBoot), s(p.load), s(p.scan), s(p.storeAndOutput), ...sources.map((k) => s(l.camaudit.sourcesMs[k]))]);
  }
  return out;
}

function storeTable(st) {
  if (!st) return '';
  const n = st.devices.toLocaleString('en');
  let out = row(['operation', 'wall', 'CPU', 'peak RSS']) + row(['---', '---', '---', '---']);
  st.ingest.forEach((i, k) => {
    out += row([`save scan ${k + 1} of ${n} devices${k ? ' (against the first)' : ''}`, s(i.ms), s(i.cpuMs), `${mb(i.maxRssMb)} (with the scan in memory)`]);
  });
  for (const [format, e] of Object.entries(st.exports)) {
    out += e.absent || e.error ? row([`export --format ${format}`, e.absent ?? e.error, '', '']) : row([`export --format ${format} (${n} devices, ${mb(e.bytes / 2 ** 20)})`, s(e.ms), s(e.cpuMs), mb(e.maxRssMb)]);
  }
  const d = st.diff;
  out += d.todo || d.error ? row(['diff of the two scans', d.todo ?? d.error, '', '']) : row(['diff of the two scans', s(d.ms), s(d.cpuMs), mb(d.maxRssMb)]);
  return out;
}

/** The issue's targets, each with the measured figure and whether it is met (null: not measured in this run). */
export function targets(r) {
  const l24 = r.labs['24'];
  const l16 = r.labs['16'];
  const dense = r.labs.dense;
  const st = r.store;
  const out = [];
  const add = (target, measured, met) => out.push({ target, measured, met });
  if (l24) add('/24: full audit ≤ 1.0× `nmap -sn -n`, every camera identified', `${l24.ratio?.toFixed(2)}×, ${camerasFound(l24)} cameras`, l24.ratio !== null && l24.ratio <= 1 && l24.camaudit.allCamerasIdentified);
  if (l16) {
    add('/16: sweep and identification ≤ 3 min', `${s(l16.camaudit.medianMs)}, ${camerasFound(l16)} cameras`, l16.camaudit.medianMs <= 180_000 && l16.camaudit.allCamerasIdentified);
    add('/16: peak RSS ≤ 300 MB', mb(l16.camaudit.maxRssMb), l16.camaudit.maxRssMb <= 300);
    if (dense) {
      const grow = l16.camaudit.maxRssMb - dense.camaudit.maxRssMb;
      add('memory does not grow with empty addresses (/16 vs the same hosts in a /21)', `${grow >= 0 ? '+' : ''}${Math.round(grow)} MB for ${(l16.addresses - dense.addresses).toLocaleString('en')} more empty addresses`, grow <= 0.1 * dense.camaudit.maxRssMb);
    }
  }
  if (st) {
    const worst = Math.max(...st.ingest.map((i) => i.ms));
    add(`ingest of ${st.devices.toLocaleString('en')} devices ≤ 10 s`, s(worst), worst <= 10_000);
    for (const [format, e] of Object.entries(st.exports)) if (!e.absent && !e.error) add(`export --format ${format} of ${st.devices.toLocaleString('en')} devices ≤ 5 s`, `${s(e.ms)}, ${mb(e.maxRssMb)}`, e.ms <= 5000);
  }
  return out;
}

export function formatTables(r) {
  const m = r.machine;
  const head = `Measured ${r.date.slice(0, 10)} on ${m.nproc} CPUs (${m.cpu}), ${m.memGb} GB RAM, Linux ${m.kernel}, Node ${m.node}, ${m.nmap}; load average ${m.loadAtStart[0]} at the start, ${m.loadAtEnd[0]} at the end.\n\n`;
  const t = targets(r);
  const targetTable = t.length ? `\n${row(['target', 'measured', 'met'])}${row(['---', '---', '---'])}${t.map((x) => row([x.target, x.measured, x.met ? 'yes' : '**no**'])).join('')}` : '';
  return head + labTables(r.labs) + (r.store ? `\n${storeTable(r.store)}` : '') + targetTable;
}
