import { describe, expect, it } from 'vitest';
import { diffLines } from '@engine/analysis/lineDiff.js';

function render(a: string[], b: string[]): string {
  return (diffLines(a, b) ?? [])
    .map((op) => `${op.op === 'same' ? ' ' : op.op === 'added' ? '+' : '-'}${op.text}`)
    .join('|');
}

/** Rebuilds both sides from the ops: proves the diff is a valid edit script. */
function replay(a: string[], b: string[]): { left: string[]; right: string[] } {
  const ops = diffLines(a, b)!;
  return {
    left: ops.filter((o) => o.op !== 'added').map((o) => o.text),
    right: ops.filter((o) => o.op !== 'removed').map((o) => o.text),
  };
}

describe('diffLines (Myers)', () => {
  it('finds the minimal edit', () => {
    expect(render(['a', 'b', 'c', 'a', 'b', 'b', 'a'], ['c', 'b', 'a', 'b', 'a', 'c'])).toBe(
      // Myers' paper example: D = 5.
      '-a|-b| c|+b| a| b|-b| a|+c',
    );
  });

  it('handles empty sides and identical input', () => {
    expect(render([], ['x'])).toBe('+x');
    expect(render(['x'], [])).toBe('-x');
    expect(render(['x', 'y'], ['x', 'y'])).toBe(' x| y');
    expect(diffLines([], [])).toEqual([]);
  });

  it('numbers lines on both sides', () => {
    const ops = diffLines(['a', 'b', 'c'], ['a', 'x', 'c'])!;
    expect(ops).toEqual([
      { op: 'same', text: 'a', leftLine: 1, rightLine: 1 },
      { op: 'removed', text: 'b', leftLine: 2 },
      { op: 'added', text: 'x', rightLine: 2 },
      { op: 'same', text: 'c', leftLine: 3, rightLine: 3 },
    ]);
  });

  it('replays to both inputs on a pseudo-random corpus', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 50; round += 1) {
      const a = Array.from({ length: Math.floor(random() * 30) }, () =>
        String.fromCharCode(97 + Math.floor(random() * 4)),
      );
      const b = Array.from({ length: Math.floor(random() * 30) }, () =>
        String.fromCharCode(97 + Math.floor(random() * 4)),
      );
      expect(replay(a, b)).toEqual({ left: a, right: b });
    }
  });

  it('gives up beyond the edit budget instead of using quadratic memory', () => {
    const a = Array.from({ length: 100 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 100 }, (_, i) => `b${i}`);
    expect(diffLines(a, b, 50)).toBeUndefined();
    expect(diffLines(a, b, 500)?.length).toBe(200);
  });
});
