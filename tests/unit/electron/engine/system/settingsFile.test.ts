import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '@shared/settingsSchema.js';
import { loadSettings, saveSettings, validateSettings } from '@engine/system/settingsFile.js';

describe('settings file', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-settings-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is the defaults when missing', async () => {
    expect(await loadSettings(dataDir)).toEqual({ settings: DEFAULT_SETTINGS, warnings: [] });
  });

  it('is the defaults plus a warning naming the file when it is not JSON or not an object', async () => {
    fs.writeFileSync(path.join(dataDir, 'settings.json'), 'nope');
    const broken = await loadSettings(dataDir);
    expect(broken.settings).toEqual(DEFAULT_SETTINGS);
    expect(broken.warnings[0]).toContain(path.join(dataDir, 'settings.json'));
    fs.writeFileSync(path.join(dataDir, 'settings.json'), '[1,2]');
    expect((await loadSettings(dataDir)).warnings[0]).toContain('expected a JSON object');
  });

  it('keeps valid values, drops invalid and unknown ones with a warning each', async () => {
    fs.writeFileSync(
      path.join(dataDir, 'settings.json'),
      JSON.stringify({ connectTimeoutMs: 500, maxHeaderBytes: 10, insecureHosts: ['a.test', 3], extra: 1 }),
    );
    const loaded = await loadSettings(dataDir);
    expect(loaded.settings).toEqual({ ...DEFAULT_SETTINGS, connectTimeoutMs: 500 });
    expect(loaded.warnings).toHaveLength(3);
    expect(loaded.warnings.join(' ')).toMatch(/maxHeaderBytes.*insecureHosts.*extra/s);
  });

  it('round-trips through saveSettings', async () => {
    const settings = { ...DEFAULT_SETTINGS, passThroughHosts: ['*.bank.test'], responseTimeoutMs: 0 };
    await saveSettings(dataDir, settings);
    expect((await loadSettings(dataDir)).settings).toEqual(settings);
  });

  it('validateSettings trims host lists and takes IPv6 brackets off', () => {
    expect(validateSettings({ passThroughHosts: [' a.test ', '[::1]'] }, 'x').patch).toEqual({
      passThroughHosts: ['a.test', '::1'],
    });
  });

  it('refuses a host list with a blank entry, as the API and the flags do, naming the item', () => {
    const result = validateSettings({ passThroughHosts: ['a.test', ' '] }, 'x');
    expect(result.patch).toEqual({});
    expect(result.warnings).toEqual(['x: passThroughHosts item 1: a host name must not be empty; using [].']);
  });

  it('accepts 0 for the timeouts that can be switched off, and not for the client headers timeout', () => {
    expect(
      validateSettings({ connectTimeoutMs: 0, responseTimeoutMs: 0, bodyIdleTimeoutMs: 0 }, 'x').patch,
    ).toEqual({ connectTimeoutMs: 0, responseTimeoutMs: 0, bodyIdleTimeoutMs: 0 });
    expect(validateSettings({ clientHeadersTimeoutMs: 0 }, 'x').warnings[0]).toMatch(
      /clientHeadersTimeoutMs must be a whole number of milliseconds from 100 to 600000 ms; got 0; using 30000\./,
    );
  });
});
