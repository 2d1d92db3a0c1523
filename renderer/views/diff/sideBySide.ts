import type { LineOp } from '../../../shared/diff';

export interface SideLine {
  line: number;
  text: string;
}

/** One row of a side-by-side diff: a changed line sits next to what replaced it. */
export interface SideBySideRow {
  kind: 'same' | 'changed' | 'removed' | 'added';
  left?: SideLine;
  right?: SideLine;
  /** Pretty-printed JSON: the member sits elsewhere in the right body's key order. */
  moved: boolean;
}

export type FoldedRow = { fold: false; row: SideBySideRow } | { fold: true; count: number };

function side(line: number | undefined, text: string): SideLine | undefined {
  return line === undefined ? undefined : { line, text };
}

/**
 * Pairs a line diff for two columns: each run of removed lines and the run of added lines next
 * to it are zipped row by row (`changed`); what one run has more stays one-sided.
 */
export function sideBySideRows(ops: readonly LineOp[]): SideBySideRow[] {
  const rows: SideBySideRow[] = [];
  let i = 0;
  while (i < ops.length) {
    const op = ops[i]!;
    if (op.op === 'same') {
      rows.push({
        kind: 'same',
        left: side(op.leftLine, op.leftText ?? op.text),
        right: side(op.rightLine, op.text),
        moved: op.moved === true,
      });
      i += 1;
      continue;
    }
    const removed: LineOp[] = [];
    const added: LineOp[] = [];
    while (i < ops.length && ops[i]!.op !== 'same') {
      const next = ops[i]!;
      (next.op === 'removed' ? removed : added).push(next);
      i += 1;
    }
    for (let k = 0; k < Math.max(removed.length, added.length); k += 1) {
      const l = removed[k];
      const r = added[k];
      rows.push({
        kind: l && r ? 'changed' : l ? 'removed' : 'added',
        left: l ? side(l.leftLine, l.text) : undefined,
        right: r ? side(r.rightLine, r.text) : undefined,
        moved: r?.moved === true,
      });
    }
  }
  return rows;
}

/** Keeps every change (moved members included) with `context` rows around it; folds the rest. */
export function foldRows(rows: readonly SideBySideRow[], context = 3): FoldedRow[] {
  const keep = new Array<boolean>(rows.length).fill(false);
  rows.forEach((row, i) => {
    if (row.kind === 'same' && !row.moved) return;
    for (let j = Math.max(0, i - context); j <= Math.min(rows.length - 1, i + context); j += 1)
      keep[j] = true;
  });
  const out: FoldedRow[] = [];
  let folded = 0;
  rows.forEach((row, i) => {
    if (keep[i]) {
      if (folded > 0) out.push({ fold: true, count: folded });
      folded = 0;
      out.push({ fold: false, row });
    } else folded += 1;
  });
  if (folded > 0) out.push({ fold: true, count: folded });
  return out;
}
