import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '@shared/settings.js';
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

  it('validateSettings trims host lists', () => {
    expect(validateSettings({ passThroughHosts: [' a.test ', ''] }, 'x').patch).toEqual({
      passThroughHosts: ['a.test'],
    });
  });
});
