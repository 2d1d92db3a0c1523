import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeText, diffBodies, firstDifferingOffset } from '@engine/analysis/bodyDiff.js';
import { body } from '@fixtures/exchangeFactory.js';
import { fixturePath } from '@fixtures/paths.js';

const fixtures = fixturePath('diff');

function pair(name: string, contentType: string) {
  // key-order.json → key-order.left.json and key-order.right.json
  const [leftFile, rightFile] = ['left', 'right'].map((side) => name.replace(/(\.\w+)$/, `.${side}$1`)) as [
    string,
    string,
  ];
  const left = readFileSync(path.join(fixtures, leftFile));
  const right = readFileSync(path.join(fixtures, rightFile));
  return diffBodies(
    'request',
    { bytes: left, info: body(left.length, contentType) },
    { bytes: right, info: body(right.length, contentType) },
  );
}

describe('body byte verdicts on recorded fixtures', () => {
  it('same JSON, different key order', () => {
    const diff = pair('key-order.json', 'application/json');
    expect(diff.verdict).toBe('json_key_order');
    expect(diff.verdicts).toEqual(['json_key_order']);
    expect(diff.description).toMatch(/^same JSON, different key order/);
    // {"amount"… vs {"currency"…: the second character of the key differs.
    expect(diff.firstDifference?.offset).toBe(2);
    expect(diff.jsonChanges).toBeUndefined();
  });

  it('differs only in whitespace (JSON)', () => {
    const diff = pair('whitespace.json', 'application/json');
    expect(diff.verdicts).toEqual(['whitespace']);
    expect(diff.firstDifference?.offset).toBe(1);
    expect(diff.firstDifference?.right.text).toContain('{.  "amount"');
  });

  it('differs only in whitespace (text)', () => {
    const diff = pair('text-whitespace.txt', 'text/plain');
    expect(diff.verdicts).toEqual(['whitespace']);
  });

  it('byte order mark on one side', () => {
    const diff = pair('bom.json', 'application/json');
    expect(diff.verdicts).toEqual(['bom']);
    expect(diff.left.encoding).toBe('utf-8 with BOM');
    expect(diff.right.encoding).toBe('utf-8');
    expect(diff.firstDifference?.offset).toBe(0);
    expect(diff.firstDifference?.left.hex.slice(0, 3)).toEqual(['ef', 'bb', 'bf']);
  });

  it('CRLF vs LF line endings', () => {
    const diff = pair('crlf.txt', 'text/plain');
    expect(diff.verdicts).toEqual(['line_endings']);
    expect(diff.left.lineEndings).toBe('CRLF');
    expect(diff.right.lineEndings).toBe('LF');
    // "line one" is 8 bytes; the \r is the 9th.
    expect(diff.firstDifference?.offset).toBe(8);
    expect(diff.firstDifference?.left.hex[8]).toBe('0d');
    // Line endings do not make every line differ.
    expect(diff.lines?.every((l) => l.op === 'same')).toBe(true);
  });

  it('trailing newline on one side', () => {
    const diff = pair('trailing-newline.json', 'application/json');
    expect(diff.verdicts).toEqual(['trailing_newline']);
    expect(diff.left.endsWithNewline).toBe(true);
    expect(diff.firstDifference?.offset).toBe(15);
  });

  it('number formatting (1.0 vs 1, 1e3 vs 1000), big integers compared exactly', () => {
    const diff = pair('number-format.json', 'application/json');
    expect(diff.verdicts).toEqual(['number_format']);
    expect(diff.description).toMatch(/number formatting differs/);
    const big = pair('big-int.json', 'application/json');
    // Equal as doubles, different as numbers: a real change.
    expect(big.verdict).toBe('different');
    expect(big.jsonChanges).toEqual([
      { path: '$.id', kind: 'changed', left: '12345678901234567890', right: '12345678901234567891' },
    ]);
  });

  it('string escaping (\\u00e9 vs é, \\/ vs /)', () => {
    const diff = pair('escapes.json', 'application/json');
    expect(diff.verdicts).toEqual(['string_escapes']);
  });

  it('different character encoding (ISO-8859-1 vs UTF-8)', () => {
    const left = readFileSync(path.join(fixtures, 'encoding.left.txt'));
    const right = readFileSync(path.join(fixtures, 'encoding.right.txt'));
    const diff = diffBodies(
      'response',
      { bytes: left, info: body(left.length, 'text/plain; charset=ISO-8859-1') },
      { bytes: right, info: body(right.length, 'text/plain; charset=utf-8') },
    );
    expect(diff.verdicts).toEqual(['encoding']);
    expect(diff.left.encoding).toBe('iso-8859-1');
    expect(diff.firstDifference?.offset).toBe(3);
  });

  it('several cosmetic differences at once: BOM and CRLF', () => {
    const left = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a\r\nb\r\n')]);
    const right = Buffer.from('a\nb\n');
    const diff = diffBodies(
      'request',
      { bytes: left, info: body(left.length, 'text/plain') },
      { bytes: right, info: body(right.length, 'text/plain') },
    );
    expect(diff.verdicts).toEqual(['bom', 'line_endings']);
  });

  it('different JSON: structural paths added, removed and changed', () => {
    const diff = pair('different.json', 'application/json');
    expect(diff.verdict).toBe('different');
    expect(diff.jsonChanges).toEqual([
      { path: '$.amount', kind: 'changed', left: '1250', right: '1300' },
      { path: '$.items[0].qty', kind: 'changed', left: '1', right: '2' },
      { path: '$.items[1]', kind: 'added', right: '{"sku":"B2","qty":1}' },
      { path: '$.note', kind: 'removed', left: '"x"' },
      { path: '$.coupon', kind: 'added', right: '"SPRING"' },
    ]);
    expect(diff.description).toMatch(/^different JSON: 5 paths differ \(first: \$\.amount 1250 → 1300\)/);
  });

  it('text bodies line by line', () => {
    const diff = pair('lines.txt', 'text/plain');
    expect(diff.verdict).toBe('different');
    expect(diff.lines?.map((l) => `${l.op[0]}${l.text}`)).toEqual([
      'salpha',
      'rbeta',
      'aBETA',
      'sgamma',
      'sdelta',
      'aepsilon',
    ]);
    expect(diff.description).toMatch(/\+2 −1 lines/);
  });

  it('form bodies field by field', () => {
    const diff = pair('form.txt', 'application/x-www-form-urlencoded');
    expect(diff.kind).toBe('form');
    expect(diff.formFields).toEqual([
      { name: 'user', kind: 'same', left: 'ann', right: 'ann' },
      { name: 'scope', kind: 'changed', left: 'read', right: 'read write' },
      { name: 'redirect', kind: 'removed', left: '/home' },
      { name: 'state', kind: 'added', right: 'xyz' },
    ]);
    expect(diff.lines?.filter((l) => l.op !== 'same').length).toBe(4);
  });

  it('binary bodies by size and SHA-256', () => {
    const diff = pair('binary.bin', 'image/png');
    expect(diff.kind).toBe('binary');
    expect(diff.verdict).toBe('different');
    expect(diff.left.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(diff.left.sha256).not.toBe(diff.right.sha256);
    expect(diff.firstDifference?.offset).toBe(20);
    expect(diff.description).toMatch(/^different binary content: 29 B vs 32 B, SHA-256/);
    expect(diff.lines).toBeUndefined();
  });

  it('identical, empty and uncaptured bodies', () => {
    const bytes = Buffer.from('{"a":1}');
    expect(
      diffBodies('request', { bytes, info: body(7) }, { bytes: Buffer.from(bytes), info: body(7) }).verdict,
    ).toBe('identical');
    expect(diffBodies('request', { bytes: Buffer.alloc(0) }, { bytes: Buffer.alloc(0) }).verdict).toBe(
      'both_empty',
    );
    const missing = diffBodies('request', { info: body(10) }, { bytes, info: body(7) });
    expect(missing.verdict).toBe('unavailable');
    expect(missing.description).toMatch(/left body was not captured/);
  });

  it('notes a truncated capture', () => {
    const bytes = Buffer.from('abc');
    const diff = diffBodies(
      'response',
      { bytes, info: { ...body(3), truncated: true } },
      { bytes: Buffer.from('abd'), info: body(3) },
    );
    expect(diff.notes[0]).toMatch(/left body was truncated/);
  });
});

describe('byte helpers', () => {
  it('first differing offset, including a prefix', () => {
    expect(firstDifferingOffset(Buffer.from('abc'), Buffer.from('abd'))).toBe(2);
    expect(firstDifferingOffset(Buffer.from('ab'), Buffer.from('abc'))).toBe(2);
    expect(firstDifferingOffset(Buffer.from('ab'), Buffer.from('ab'))).toBeUndefined();
  });

  it('decodes UTF-16 with a BOM and refuses binary', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hi', 'utf16le')]);
    expect(decodeText(utf16, undefined)).toEqual({ text: 'hi', charset: 'utf-16le', bom: true });
    expect(decodeText(Buffer.from([0x89, 0x50, 0x00, 0xff]), undefined)).toBeUndefined();
  });
});

describe('encoding without a declared charset', () => {
  it('guesses windows-1252 for 8-bit text that is not UTF-8, so the verdict is the encoding', () => {
    const left = Buffer.from('Café crème\n', 'latin1');
    const right = Buffer.from('Café crème\n', 'utf8');
    const diff = diffBodies(
      'request',
      { bytes: left, info: body(left.length, 'text/plain') },
      { bytes: right, info: body(right.length, 'text/plain') },
    );
    expect(diff.left.encoding).toBe('windows-1252 (guessed)');
    expect(diff.verdicts).toEqual(['encoding']);
  });

  it('still calls bytes with control characters binary', () => {
    expect(decodeText(Buffer.from([0x41, 0x01, 0xe9]), undefined)).toBeUndefined();
  });
});
