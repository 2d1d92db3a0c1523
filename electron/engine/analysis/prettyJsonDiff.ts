/**
 * Pretty-printed JSON diff: both documents printed with a two-space indent, each number, string
 * and key as spelled in the body (so `1.0` vs `1` still shows), then diffed line by line.
 *
 * Key order is not content (RFC 8259 §4: an object is an unordered collection), so before the
 * line diff the right side's object members are put in the left side's order; the members that
 * sat elsewhere are marked `moved` instead of showing up as removed here and added there. The
 * byte view keeps the raw offsets for the case where order matters (a signature over the bytes).
 */
import type { LineOp, PrettyJsonDiff } from '../../../shared/diff.js';
import type { JsonNode } from './jsonSyntax.js';
import { diffLines } from './lineDiff.js';

const INDENT = '  ';
/** Pretty-printed lines per side beyond which the diff is not attempted. */
const MAX_PRETTY_LINES = 50_000;
const MAX_OPS = 5_000;

interface PrettyLine {
  text: string;
  moved: boolean;
}

type Entry = Extract<JsonNode, { type: 'object' }>['entries'][number];

/**
 * The right object's members in the left's order: right-only members stay after the member they
 * followed on the right (or first, when they led). `moved` is the smallest set of shared members
 * whose move explains the new order (the ones outside the longest common subsequence).
 */
function alignEntries(
  right: readonly Entry[],
  left: readonly Entry[],
): { entries: Entry[]; moved: Set<Entry> } {
  const leftKeys = new Set(left.map((e) => e.key));
  const rightKeys = new Set(right.map((e) => e.key));
  const leading: Entry[] = [];
  const tails = new Map<string, Entry[]>();
  const rightCommon: Entry[] = [];
  for (const entry of right) {
    if (leftKeys.has(entry.key) && !tails.has(entry.key)) {
      rightCommon.push(entry);
      tails.set(entry.key, []);
    } else if (rightCommon.length === 0) leading.push(entry);
    else tails.get(rightCommon[rightCommon.length - 1]!.key)!.push(entry);
  }
  const leftOrder = [...new Set(left.map((e) => e.key).filter((k) => rightKeys.has(k)))];
  const byKey = new Map(rightCommon.map((e) => [e.key, e]));
  const moved = new Set<Entry>();
  const ops = diffLines(
    leftOrder,
    rightCommon.map((e) => e.key),
    200,
  );
  if (ops) {
    for (const op of ops) if (op.op === 'added') moved.add(byKey.get(op.text)!);
  } else {
    // Too reordered to say which moved: every member out of its left position is.
    rightCommon.forEach((e, i) => {
      if (leftOrder[i] !== e.key) moved.add(e);
    });
  }
  const entries = [...leading];
  for (const key of leftOrder) entries.push(byKey.get(key)!, ...tails.get(key)!);
  return { entries, moved };
}

function print(
  node: JsonNode,
  counterpart: JsonNode | undefined,
  depth: number,
  prefix: string,
  comma: string,
  moved: boolean,
  out: PrettyLine[],
  reorder: { count: number },
): void {
  const pad = INDENT.repeat(depth);
  if (out.length > MAX_PRETTY_LINES) return;
  if (node.type === 'object') {
    if (node.entries.length === 0) {
      out.push({ text: `${pad}${prefix}{}${comma}`, moved });
      return;
    }
    out.push({ text: `${pad}${prefix}{`, moved });
    let entries: readonly Entry[] = node.entries;
    let movedEntries = new Set<Entry>();
    const leftEntries = counterpart?.type === 'object' ? counterpart.entries : undefined;
    if (leftEntries) {
      ({ entries, moved: movedEntries } = alignEntries(node.entries, leftEntries));
      reorder.count += movedEntries.size;
    }
    const leftByKey = new Map(leftEntries?.map((e) => [e.key, e.value]));
    entries.forEach((entry, i) => {
      print(
        entry.value,
        leftByKey.get(entry.key),
        depth + 1,
        `${entry.keyRaw}: `,
        i < entries.length - 1 ? ',' : '',
        moved || movedEntries.has(entry),
        out,
        reorder,
      );
    });
    out.push({ text: `${pad}}${comma}`, moved });
    return;
  }
  if (node.type === 'array') {
    if (node.items.length === 0) {
      out.push({ text: `${pad}${prefix}[]${comma}`, moved });
      return;
    }
    out.push({ text: `${pad}${prefix}[`, moved });
    const leftItems = counterpart?.type === 'array' ? counterpart.items : undefined;
    node.items.forEach((item, i) =>
      print(item, leftItems?.[i], depth + 1, '', i < node.items.length - 1 ? ',' : '', moved, out, reorder),
    );
    out.push({ text: `${pad}]${comma}`, moved });
    return;
  }
  out.push({ text: `${pad}${prefix}${node.raw}${comma}`, moved });
}

/** The pretty-printed lines of one document (for tests and the left side). */
export function prettyJsonLines(node: JsonNode): string[] {
  const out: PrettyLine[] = [];
  print(node, undefined, 0, '', '', false, out, { count: 0 });
  return out.map((l) => l.text);
}

/** Undefined when a side is too large to print, or too different to diff line by line. */
export function prettyJsonDiff(left: JsonNode, right: JsonNode): PrettyJsonDiff | undefined {
  const leftLines: PrettyLine[] = [];
  print(left, undefined, 0, '', '', false, leftLines, { count: 0 });
  const rightLines: PrettyLine[] = [];
  const reorder = { count: 0 };
  print(right, left, 0, '', '', false, rightLines, reorder);
  if (leftLines.length > MAX_PRETTY_LINES || rightLines.length > MAX_PRETTY_LINES) return undefined;
  // A trailing comma is layout: the last member gaining a sibling is not a change of that line.
  const key = (line: PrettyLine) => line.text.replace(/,$/, '');
  const ops = diffLines(leftLines.map(key), rightLines.map(key));
  if (!ops) return undefined;
  const lines: LineOp[] = ops.slice(0, MAX_OPS).map((op) => {
    const out: LineOp = { ...op };
    if (op.rightLine !== undefined) {
      const line = rightLines[op.rightLine - 1]!;
      out.text = line.text;
      if (line.moved) out.moved = true;
      const leftText = op.leftLine === undefined ? undefined : leftLines[op.leftLine - 1]!.text;
      if (leftText !== undefined && leftText !== line.text) out.leftText = leftText;
    } else if (op.leftLine !== undefined) out.text = leftLines[op.leftLine - 1]!.text;
    return out;
  });
  return { lines, truncated: ops.length > MAX_OPS, reordered: reorder.count > 0, movedKeys: reorder.count };
}
