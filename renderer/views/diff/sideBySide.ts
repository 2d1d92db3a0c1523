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
 * A pretty-printed JSON line's pairing key: its indentation and its member name, so `"user": null`
 * pairs with `"user": {` and never with `"error": …` (array items and brackets pair by indentation).
 */
export function jsonLineKey(text: string): string {
  const indent = /^\s*/.exec(text)![0];
  const name = /^\s*("(?:[^"\\]|\\.)*")\s*:/.exec(text)?.[1] ?? '';
  return `${indent.length}:${name}`;
}

/**
 * Pairs a line diff for two columns: in each run of removed and added lines, a removed line sits
 * next to the first added line it pairs with (same `keyOf`, or any line without `keyOf`), the
 * lines skipped on the way stay one-sided. For text this zips the runs row by row.
 */
export function sideBySideRows(ops: readonly LineOp[], keyOf?: (text: string) => string): SideBySideRow[] {
  const rows: SideBySideRow[] = [];
  const key = keyOf ?? (() => '');
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
    // How many added lines of each key are still to come: a removed line waits for its partner.
    const waiting = new Map<string, number>();
    for (const a of added) waiting.set(key(a.text), (waiting.get(key(a.text)) ?? 0) + 1);
    let r = 0;
    let a = 0;
    while (r < removed.length || a < added.length) {
      const l = removed[r];
      const n = added[a];
      if (l && n && key(l.text) === key(n.text)) {
        rows.push({
          kind: 'changed',
          left: side(l.leftLine, l.text),
          right: side(n.rightLine, n.text),
          moved: n.moved === true,
        });
        waiting.set(key(n.text), waiting.get(key(n.text))! - 1);
        r += 1;
        a += 1;
      } else if (l && (!n || (waiting.get(key(l.text)) ?? 0) === 0)) {
        rows.push({ kind: 'removed', left: side(l.leftLine, l.text), moved: false });
        r += 1;
      } else if (n) {
        rows.push({ kind: 'added', right: side(n.rightLine, n.text), moved: n.moved === true });
        waiting.set(key(n.text), waiting.get(key(n.text))! - 1);
        a += 1;
      }
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
