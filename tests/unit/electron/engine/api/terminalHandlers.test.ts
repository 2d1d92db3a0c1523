import { describe, expect, it } from 'vitest';
import { createFakeEngine } from '@fixtures/fakeEngine.js';
import { parseTerminalEnvOptions, terminalHandlers } from '@engine/api/terminalHandlers.js';
import { ArgumentError } from '@engine/api/apiArguments.js';

describe('terminal handlers: argument checks', () => {
  const table = terminalHandlers(createFakeEngine());

  it('terminal:env takes a shell kind and optional {docker, unset}', () => {
    expect(table['terminal:env']!.parse(['sh'])).toEqual(['sh', {}]);
    expect(table['terminal:env']!.parse(['fish', { docker: true }])).toEqual(['fish', { docker: true }]);
    for (const bad of [[], ['bash'], ['sh', { docker: 'yes' }], ['sh', { other: 1 }], ['sh', {}, 3]]) {
      expect(() => table['terminal:env']!.parse(bad), JSON.stringify(bad)).toThrow(ArgumentError);
    }
    expect(() => parseTerminalEnvOptions({ docker: true, unset: true })).toThrow(/cannot be combined/);
  });

  it('terminal:env with unset needs no proxy; terminal:open takes no argument', async () => {
    const setup = await table['terminal:env']!.handle('fish', { unset: true });
    expect(setup.lines[1]).toMatch(/^set -e HTTP_PROXY HTTPS_PROXY/);
    expect(() => table['terminal:open']!.parse([1])).toThrow(ArgumentError);
  });
});
