import { describe, expect, it } from 'vitest';
import { pingArgs } from '@engine/probes/icmpPing.js';
import { traceToolsFor } from '@engine/probes/traceRoute.js';
import { isMissing, MissingToolError, runTool } from '@engine/probes/systemTool.js';

const options = { host: 'example.com', count: 3, intervalMs: 100, timeoutMs: 1500 };

describe('system tool arguments', () => {
  it('speaks each platform’s ping dialect, never below the unprivileged 0.2 s interval', () => {
    expect(pingArgs(options, 'linux')).toEqual(['-c', '3', '-i', '0.2', '-W', '2', 'example.com']);
    expect(pingArgs({ ...options, intervalMs: 1000 }, 'darwin')).toEqual([
      '-c',
      '3',
      '-i',
      '1.0',
      '-W',
      '1500',
      'example.com',
    ]);
    expect(pingArgs(options, 'win32')).toEqual(['-n', '3', '-w', '1500', 'example.com']);
  });

  it('looks for traceroute then tracepath, or tracert on Windows', () => {
    expect(traceToolsFor('linux')).toEqual(['traceroute', 'tracepath']);
    expect(traceToolsFor('darwin')).toEqual(['traceroute', 'tracepath']);
    expect(traceToolsFor('win32')).toEqual(['tracert']);
  });

  it('recognises a missing tool and names it in the error', async () => {
    const error = await runTool('netlens-no-such-tool-xyz', [], 1000).catch((e: unknown) => e);
    expect(isMissing(error)).toBe(true);
    expect(new MissingToolError(['traceroute', 'tracepath'], 'Install one.').message).toBe(
      '`traceroute` / `tracepath` are not installed or not on PATH. Install one.',
    );
    expect(new MissingToolError(['ping'], 'Use TCP ping.').message).toMatch(/^`ping` is not installed/);
  });

  it('bounds a tool that runs too long', async () => {
    const output = await runTool(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], 200);
    expect(output.timedOut).toBe(true);
  });
});
