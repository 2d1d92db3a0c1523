import { describe, expect, it } from 'vitest';
import {
  canonicalNumber,
  compareJson,
  jsonStructuralDiff,
  jsonSyntaxProblem,
  parseJsonSyntax,
} from '@engine/analysis/jsonSyntax.js';

function compare(a: string, b: string) {
  return compareJson(parseJsonSyntax(a)!.root, parseJsonSyntax(b)!.root);
}

describe('parseJsonSyntax', () => {
  it('accepts what JSON.parse accepts and keeps raw spellings', () => {
    const parsed = parseJsonSyntax(' {"a": [1.50, "x\\u0041", true, null], "b": {}} ');
    expect(parsed?.root).toEqual({
      type: 'object',
      entries: [
        {
          key: 'a',
          keyRaw: '"a"',
          value: {
            type: 'array',
            items: [
              { type: 'number', raw: '1.50' },
              { type: 'string', value: 'xA', raw: '"x\\u0041"' },
              { type: 'literal', raw: 'true' },
              { type: 'literal', raw: 'null' },
            ],
          },
        },
        { key: 'b', keyRaw: '"b"', value: { type: 'object', entries: [] } },
      ],
    });
  });

  it.each(['', '{', '{"a":1,}', '[01]', '{"a" 1}', "{'a':1}", '1 2', '"\u0001"', 'nul', '{"a":1}x'])(
    'rejects %j',
    (text) => {
      expect(parseJsonSyntax(text)).toBeUndefined();
    },
  );

  it('survives deep nesting without overflowing the stack', () => {
    expect(parseJsonSyntax('['.repeat(100_000) + ']'.repeat(100_000))).toBeUndefined();
    expect(parseJsonSyntax('['.repeat(100) + ']'.repeat(100))).toBeDefined();
  });
});

describe('jsonSyntaxProblem', () => {
  it('finds no problem in valid JSON', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]} ', '"s"', '0']) {
      expect(jsonSyntaxProblem(text)).toBeUndefined();
    }
  });

  it('points at the first character that makes JSON invalid, and says what was expected', () => {
    const at = (text: string) => {
      const problem = jsonSyntaxProblem(text);
      return problem && [problem.offset, problem.problem];
    };
    expect(at('{"a": [}')).toEqual([7, 'expected a value']);
    expect(at('{"a": 1,}')).toEqual([8, 'expected a property name in double quotes']);
    expect(at('{"a" 1}')).toEqual([5, "expected ':' after a property name"]);
    expect(at("{'a': 1}")).toEqual([1, "expected a property name in double quotes or '}'"]);
    expect(at('[1, 2] x')).toEqual([7, 'unexpected text after the end of the JSON value']);
    expect(at('[1 2]')).toEqual([3, "expected ',' or ']'"]);
    expect(at('{"a": tru}')).toEqual([
      6,
      'expected a value (true, false and null are lower case and unquoted)',
    ]);
    expect(at('{"a": "unterminated')).toEqual([19, 'the text ends early (a string is not closed)']);
    expect(at('{"a": 1')).toEqual([7, "the text ends early (expected ',' or '}')"]);
    expect(at('["\u0001"]')).toEqual([
      2,
      'a control character inside a string (RFC 8259 §7: it must be escaped)',
    ]);
  });

  it('gives 1-based line and column, and never quotes the text', () => {
    const problem = jsonSyntaxProblem('{\n  "log": {\n    "entries": [,]\n  }\n}');
    expect(problem).toMatchObject({ line: 3, column: 17, problem: 'expected a value' });
    const secret = jsonSyntaxProblem('{"password": "hunter2" x}');
    expect(secret!.problem).not.toContain('hunter2');
  });

  it('says where nesting is too deep instead of overflowing the stack', () => {
    expect(jsonSyntaxProblem('['.repeat(100_000))!.problem).toBe('nesting deeper than 512 levels');
  });
});

describe('canonicalNumber', () => {
  it('equates spellings of the same value', () => {
    expect(new Set(['1', '1.0', '1.000', '1e0', '10e-1', '0.1e1']).size).toBe(6);
    expect(new Set(['1', '1.0', '1.000', '1e0', '10e-1', '0.1e1'].map(canonicalNumber))).toEqual(
      new Set(['1e0']),
    );
    expect(canonicalNumber('1e3')).toBe(canonicalNumber('1000'));
    expect(canonicalNumber('0.0')).toBe('0');
    expect(canonicalNumber('12345678901234567890')).not.toBe(canonicalNumber('12345678901234567891'));
  });
});

describe('compareJson', () => {
  it('notes key order, number format and escapes separately', () => {
    expect(compare('{"a":1,"b":2}', '{"b":2,"a":1}')).toMatchObject({ equal: true, keyOrder: true });
    expect(compare('[1.0]', '[1]')).toMatchObject({ equal: true, numberFormat: true, keyOrder: false });
    expect(compare('["\\u00e9"]', '["é"]')).toMatchObject({ equal: true, stringEscapes: true });
    expect(compare('[1,2]', '[2,1]').equal).toBe(false);
    expect(compare('{"a":1}', '{"a":"1"}').equal).toBe(false);
  });

  it('reports structural changes by path', () => {
    const rows = jsonStructuralDiff(
      parseJsonSyntax('{"a":{"b c":1},"list":[1,2]}')!.root,
      parseJsonSyntax('{"a":{"b c":2},"list":[1]}')!.root,
    );
    expect(rows).toEqual([
      { path: '$.a["b c"]', kind: 'changed', left: '1', right: '2' },
      { path: '$.list[1]', kind: 'removed', left: '2' },
    ]);
  });
});
