import { describe, expect, it } from 'vitest';
import { parseAppArgs } from '@main/appArgs.js';

describe('parseAppArgs', () => {
  it('reads --data-dir in both spellings and ignores Chromium switches', () => {
    expect(parseAppArgs(['main.cjs', '--data-dir', '/tmp/nl'])).toEqual({ dataDir: '/tmp/nl' });
    expect(parseAppArgs(['--no-sandbox', '--data-dir=/tmp/x', '--enable-logging'])).toEqual({
      dataDir: '/tmp/x',
    });
    expect(parseAppArgs(['main.cjs'])).toEqual({});
    expect(parseAppArgs(['--data-dir'])).toEqual({});
    expect(parseAppArgs(['--data-dir', '  '])).toEqual({});
  });
});
