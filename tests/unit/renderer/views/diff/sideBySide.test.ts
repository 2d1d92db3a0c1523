import { describe, expect, it } from 'vitest';
import type { LineOp } from '@shared/diff';
import { foldRows, jsonLineKey, sideBySideRows } from '@renderer/views/diff/sideBySide';

const rm = (text: string, leftLine: number): LineOp => ({ op: 'removed', text, leftLine });
const add = (text: string, rightLine: number): LineOp => ({ op: 'added', text, rightLine });
const same = (text: string, leftLine: number, rightLine: number): LineOp => ({
  op: 'same',
  text,
  leftLine,
  rightLine,
});

describe('sideBySideRows', () => {
  it('puts a changed text line next to the line that replaced it, extra lines one-sided', () => {
    const rows = sideBySideRows([same('a', 1, 1), rm('b', 2), add('B', 2), add('C', 3), same('d', 3, 4)]);
    expect(rows.map((r) => [r.kind, r.left?.text, r.right?.text])).toEqual([
      ['same', 'a', 'a'],
      ['changed', 'b', 'B'],
      ['added', undefined, 'C'],
      ['same', 'd', 'd'],
    ]);
  });

  it('pairs pretty-printed JSON lines by member name and indentation, never one key with another', () => {
    const rows = sideBySideRows(
      [
        rm('  "error": "missing",', 2),
        rm('  "user": null', 3),
        add('  "user": {', 2),
        add('    "id": 7', 3),
        add('  },', 4),
        add('  "next": 1', 5),
      ],
      jsonLineKey,
    );
    expect(rows.map((r) => [r.kind, r.left?.text.trim(), r.right?.text.trim()])).toEqual([
      ['removed', '"error": "missing",', undefined],
      ['changed', '"user": null', '"user": {'],
      ['added', undefined, '"id": 7'],
      ['added', undefined, '},'],
      ['added', undefined, '"next": 1'],
    ]);
  });
});

describe('foldRows', () => {
  it('keeps changes and moved members with three rows of context, folding the rest', () => {
    const ops = Array.from({ length: 20 }, (_, i) => same(`l${i}`, i + 1, i + 1));
    ops[10] = { ...ops[10]!, moved: true };
    const folded = foldRows(sideBySideRows(ops));
    expect(folded.map((f) => (f.fold ? `fold ${f.count}` : f.row.left?.text))).toEqual([
      'fold 7',
      'l7',
      'l8',
      'l9',
      'l10',
      'l11',
      'l12',
      'l13',
      'fold 6',
    ]);
  });
});
