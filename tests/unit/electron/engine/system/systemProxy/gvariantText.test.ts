import { describe, expect, it } from 'vitest';
import {
  formatGVariantString,
  formatGVariantStringArray,
  parseGVariantString,
  parseGVariantStringArray,
} from '@engine/system/systemProxy/gvariantText.js';

describe('GVariant text (what gsettings prints and parses)', () => {
  it('reads strings in either quote, with escapes', () => {
    expect(parseGVariantString("'manual'")).toBe('manual');
    expect(parseGVariantString('"it\'s"')).toBe("it's");
    expect(parseGVariantString("'a\\\\b\\'c\\n\\u00e9'")).toBe("a\\b'c\né");
    expect(parseGVariantString("''")).toBe('');
    expect(parseGVariantString('manual')).toBeUndefined();
    expect(parseGVariantString("'open")).toBeUndefined();
    expect(parseGVariantString("'a' 'b'")).toBeUndefined();
  });

  it('reads string arrays, the empty one with its type annotation', () => {
    expect(parseGVariantStringArray("['localhost', '127.0.0.0/8', '::1']")).toEqual([
      'localhost',
      '127.0.0.0/8',
      '::1',
    ]);
    expect(parseGVariantStringArray('@as []')).toEqual([]);
    expect(parseGVariantStringArray('[]')).toEqual([]);
    expect(parseGVariantStringArray(`['*.corp.example', "it's"]`)).toEqual(['*.corp.example', "it's"]);
    expect(parseGVariantStringArray("['a',]")).toBeUndefined();
    expect(parseGVariantStringArray("'a'")).toBeUndefined();
    expect(parseGVariantStringArray("['a'] x")).toBeUndefined();
  });

  it('writes as g_variant_print does, so a value NetLens wrote reads back the same', () => {
    expect(formatGVariantString('127.0.0.1')).toBe("'127.0.0.1'");
    expect(formatGVariantString("it's")).toBe(`"it's"`);
    expect(formatGVariantString('a\\b')).toBe("'a\\\\b'");
    expect(formatGVariantString('tab\there')).toBe("'tab\\there'");
    expect(formatGVariantString('\u0001')).toBe("'\\u0001'");
    expect(formatGVariantStringArray([])).toBe('@as []');
    expect(formatGVariantStringArray(['localhost', "it's"])).toBe(`['localhost', "it's"]`);
    for (const value of ["it's", 'a"b', 'x\\y\nz', 'é ü', 'both \' and "']) {
      expect(parseGVariantString(formatGVariantString(value))).toBe(value);
    }
  });
});
