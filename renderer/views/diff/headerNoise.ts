import type { HeaderRow } from '../../../shared/diff';

/**
 * The header rows split for display: the real differences (and the unchanged rows) first, then
 * the expected noise — headers that differ but change on every request (Date, request and trace
 * ids) or follow from the body (Content-Length) — each with why it is expected.
 */
export function splitHeaderNoise(rows: readonly HeaderRow[]): { real: HeaderRow[]; noise: HeaderRow[] } {
  const real: HeaderRow[] = [];
  const noise: HeaderRow[] = [];
  for (const row of rows) {
    if (!row.volatile || row.kind === 'same') {
      real.push(row);
      continue;
    }
    const why = row.volatileReason === 'from_body' ? 'follows from the body' : 'changes on every request';
    noise.push({ ...row, note: row.note ? `${row.note}; ${why}` : why });
  }
  // The differences first: an unchanged row never hides a changed one below it.
  real.sort((a, b) => Number(a.kind === 'same') - Number(b.kind === 'same'));
  return { real, noise };
}
