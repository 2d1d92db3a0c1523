/**
 * Line diff: Myers' O(ND) algorithm ("An O(ND) Difference Algorithm and Its Variations", 1986)
 * on lines, after trimming the common prefix and suffix. Bounded: beyond `maxEdits` differing
 * lines it gives up (returns undefined) rather than spend quadratic memory on a rewrite.
 */
import type { LineOp } from '../../../shared/diff.js';

export function diffLines(a: readonly string[], b: readonly string[], maxEdits = 2000): LineOp[] | undefined {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix += 1;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix += 1;
  }
  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);
  const middle = myers(midA, midB, maxEdits);
  if (middle === undefined) return undefined;

  const ops: LineOp[] = [];
  for (let i = 0; i < prefix; i += 1)
    ops.push({ op: 'same', text: a[i]!, leftLine: i + 1, rightLine: i + 1 });
  for (const op of middle) {
    ops.push({
      ...op,
      ...(op.leftLine !== undefined ? { leftLine: op.leftLine + prefix } : {}),
      ...(op.rightLine !== undefined ? { rightLine: op.rightLine + prefix } : {}),
    });
  }
  for (let i = 0; i < suffix; i += 1) {
    const left = a.length - suffix + i;
    const right = b.length - suffix + i;
    ops.push({ op: 'same', text: a[left]!, leftLine: left + 1, rightLine: right + 1 });
  }
  return ops;
}

function myers(a: readonly string[], b: readonly string[], maxEdits: number): LineOp[] | undefined {
  const n = a.length;
  const m = b.length;
  if (n === 0 && m === 0) return [];
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] is v (for diagonals -d..d) before step d, for the backtrack.
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max; d += 1) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)) x = v[offset + k + 1]!;
      else x = v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) break;
  }
  if (found < 0) return undefined;

  const ops: LineOp[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d -= 1) {
    const saved = trace[d]!;
    // saved holds diagonals -d-1..d+1 of v before step d; index of diagonal k is k + d + 1.
    const at = (k: number): number => saved[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x -= 1;
      y -= 1;
      ops.push({ op: 'same', text: a[x]!, leftLine: x + 1, rightLine: y + 1 });
    }
    if (x === prevX) {
      y -= 1;
      ops.push({ op: 'added', text: b[y]!, rightLine: y + 1 });
    } else {
      x -= 1;
      ops.push({ op: 'removed', text: a[x]!, leftLine: x + 1 });
    }
  }
  while (x > 0 && y > 0) {
    x -= 1;
    y -= 1;
    ops.push({ op: 'same', text: a[x]!, leftLine: x + 1, rightLine: y + 1 });
  }
  return ops.reverse();
}
