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

  it('reads --devtools, which opens DevTools in a packaged app', () => {
    expect(parseAppArgs(['main.cjs', '--devtools'])).toEqual({ devTools: true });
    expect(parseAppArgs(['main.cjs', '--devtools=1'])).toEqual({});
  });
});
