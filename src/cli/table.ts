// Plain-text tables for TTY output. Cells from the network are untrusted: control characters are
// replaced so a device name cannot move the cursor or clear the screen of the person reading.
export function clean(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], maxWidth = 40): string {
  const cells = [header, ...rows].map((r) => r.map((c) => {
    const t = clean(c);
    return t.length > maxWidth ? `${t.slice(0, maxWidth - 1)}…` : t;
  }));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
