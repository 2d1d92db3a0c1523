import { describe, expect, it } from 'vitest';
import { parseJsonSyntax } from '@engine/analysis/jsonSyntax.js';
import { prettyJsonDiff, prettyJsonLines } from '@engine/analysis/prettyJsonDiff.js';

function tree(text: string) {
  const parsed = parseJsonSyntax(text);
  if (!parsed) throw new Error(`not JSON: ${text}`);
  return parsed.root;
}

describe('prettyJsonLines', () => {
  it('indents by two spaces and keeps numbers, strings and keys as spelled', () => {
    expect(prettyJsonLines(tree('{"a":1.0,"b\\u00e9":[true,{}],"c":[]}'))).toEqual([
      '{',
      '  "a": 1.0,',
      '  "b\\u00e9": [',
      '    true,',
      '    {}',
      '  ],',
      '  "c": []',
      '}',
    ]);
  });
});

describe('prettyJsonDiff', () => {
  it('marks keys that only moved as moved, aligned, not removed and added', () => {
    const diff = prettyJsonDiff(
      tree('{"amount":1250,"currency":"EUR"}'),
      tree('{"currency":"EUR","amount":1250}'),
    )!;
    expect(diff.reordered).toBe(true);
    expect(diff.movedKeys).toBe(1);
    expect(diff.lines.map((l) => l.op)).toEqual(['same', 'same', 'same', 'same']);
    const moved = diff.lines.filter((l) => l.moved).map((l) => l.text.trim());
    expect(moved).toHaveLength(1);
    expect(['"amount": 1250,', '"currency": "EUR"', '"currency": "EUR",', '"amount": 1250']).toContain(
      moved[0],
    );
  });

  it('shows a changed value as one removed and one added line, and an added key where it sits', () => {
    const diff = prettyJsonDiff(
      tree('{"user":{"id":7,"name":"Ann"},"tags":["a"]}'),
      tree('{"user":{"id":7,"name":"Bob","admin":true},"tags":["a"]}'),
    )!;
    expect(diff.reordered).toBe(false);
    const changed = diff.lines.filter((l) => l.op !== 'same').map((l) => [l.op, l.text.trim()]);
    expect(changed).toEqual([
      ['removed', '"name": "Ann"'],
      ['added', '"name": "Bob",'],
      ['added', '"admin": true'],
    ]);
  });

  it('does not count a trailing comma as a change, but keeps each side its own text', () => {
    const diff = prettyJsonDiff(tree('{"a":1}'), tree('{"a":1,"b":2}'))!;
    const a = diff.lines.find((l) => l.text.includes('"a"'))!;
    expect(a.op).toBe('same');
    expect(a.text.trim()).toBe('"a": 1,');
    expect(a.leftText?.trim()).toBe('"a": 1');
    expect(diff.lines.filter((l) => l.op === 'added').map((l) => l.text.trim())).toEqual(['"b": 2']);
  });

  it('keeps a right-only key after the key it followed on the right', () => {
    const diff = prettyJsonDiff(tree('{"a":1,"b":2,"c":3}'), tree('{"c":3,"new":0,"a":1,"b":2}'))!;
    const texts = diff.lines.map((l) => l.text.trim().replace(/,$/, ''));
    expect(texts).toEqual(['{', '"a": 1', '"b": 2', '"c": 3', '"new": 0', '}']);
    expect(diff.lines.find((l) => l.text.includes('"c"'))!.moved).toBe(true);
    expect(diff.lines.find((l) => l.text.includes('"new"'))!.op).toBe('added');
  });
});
