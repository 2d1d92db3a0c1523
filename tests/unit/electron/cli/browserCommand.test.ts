import { describe, expect, it } from 'vitest';
import { browserUrlArgument, exitCodeOf, launchLine } from '@cli/browserCommand.js';
import { CliError } from '@cli/cliError.js';

describe('netlens browser', () => {
  it('prints one line naming the browser, its pid and profile', () => {
    expect(
      launchLine(
        { id: 'chromium', name: 'Chromium', family: 'chromium', path: '/usr/bin/chromium' },
        123,
        '/tmp/netlens-chromium-x',
      ),
    ).toBe('NetLens browser: chromium pid 123 profile /tmp/netlens-chromium-x');
  });

  it("exits with the browser's code, or 128 + the signal that ended it", () => {
    expect(exitCodeOf({ code: 0, signal: null })).toBe(0);
    expect(exitCodeOf({ code: 21, signal: null })).toBe(21);
    expect(exitCodeOf({ code: null, signal: 'SIGKILL' })).toBe(137);
    expect(exitCodeOf({ code: null, signal: 'SIGTERM' })).toBe(143);
  });

  it('refuses a URL argument that is not one with a usage error', () => {
    expect(browserUrlArgument('localhost:3000')).toBe('http://localhost:3000');
    expect(() => browserUrlArgument('--no-sandbox')).toThrow(CliError);
    try {
      browserUrlArgument('--no-sandbox');
    } catch (error) {
      expect((error as CliError).exitCode).toBe(2);
    }
  });
});
