import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  bytesToText,
  hexDump,
  isPreviewableImage,
  prettyJson,
} from '@renderer/views/detail/bodyFormat';

describe('body formatting', () => {
  it('decodes base64 to bytes and UTF-8 text, refusing binary', () => {
    const bytes = base64ToBytes(btoa(String.fromCharCode(...new TextEncoder().encode('héllo'))));
    expect(bytesToText(bytes)).toBe('héllo');
    expect(bytesToText(new Uint8Array([0x68, 0x00]))).toBeUndefined();
    expect(bytesToText(new Uint8Array([0xff, 0xfe, 0x41]))).toBeUndefined();
  });

  it('pretty-prints JSON objects and arrays only', () => {
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson('"just a string"')).toBeUndefined();
    expect(prettyJson('{broken')).toBeUndefined();
  });

  it('writes a hex dump with offsets and printable ASCII, and cuts at the limit', () => {
    const dump = hexDump(new TextEncoder().encode('Hello, world!\n\x00\x01ABC'));
    const lines = dump.split('\n');
    expect(lines[0]).toBe('00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  |Hello, world!...|');
    expect(lines[1]).toMatch(/^00000010 {2}41 42 43 {2}/);
    expect(lines[1]).toMatch(/\|ABC\|$/);
    expect(hexDump(new Uint8Array(40), 16).split('\n').pop()).toBe('… 24 more bytes not shown');
  });

  it('previews only image types', () => {
    expect(isPreviewableImage('image/png')).toBe(true);
    expect(isPreviewableImage('image/svg+xml; charset=utf-8')).toBe(true);
    expect(isPreviewableImage('text/html')).toBe(false);
    expect(isPreviewableImage(undefined)).toBe(false);
  });
});
