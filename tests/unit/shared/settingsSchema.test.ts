import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import {
  DEFAULT_SETTINGS,
  SETTINGS_SCHEMA,
  SETTING_KEYS,
  checkSetting,
  parseSettingText,
  rangeText,
} from '@shared/settingsSchema.js';
import { validateSettings } from '@engine/system/settingsFile.js';
import { parseSettingsPatch } from '@engine/api/captureHandlers.js';
import { addSharedProxyOptions, proxyOptionsFromFlags, type SharedProxyFlags } from '@cli/proxyOptions.js';
import { HOST_LIST_CASES, INTEGER_CASES, ZERO_ALLOWED, type SettingCase } from '@fixtures/settingCases.js';

/** The settings file: a valid value is kept, an invalid one dropped with a warning. */
function fileAccepts({ key, value }: SettingCase): boolean {
  const { patch, warnings } = validateSettings({ [key]: value }, 'settings.json');
  expect(warnings.length === 0).toBe(key in patch);
  return key in patch;
}

/** `settings:update`: a valid patch parses, an invalid one is a bad_argument. */
function apiAccepts({ key, value }: SettingCase): boolean {
  try {
    parseSettingsPatch({ [key]: value });
    return true;
  } catch {
    return false;
  }
}

/** `netlens proxy` flags: a number is typed as digits, a host list as one flag per host. */
function cliAccepts({ key, value }: SettingCase): boolean {
  const flag = SETTINGS_SCHEMA[key].flag!;
  const args = Array.isArray(value) ? value.flatMap((host) => [flag, String(host)]) : [flag, String(value)];
  const command = addSharedProxyOptions(new Command('proxy').exitOverride(), { host: 'h', json: 'j' });
  command.configureOutput({ writeErr: () => undefined });
  try {
    command.parse(args, { from: 'user' });
    proxyOptionsFromFlags(command.opts<SharedProxyFlags>(), 0, '/data');
    return true;
  } catch {
    return false;
  }
}

describe('the settings schema', () => {
  it('describes every setting with type, default, range, unit, flag and help', () => {
    expect(Object.keys(SETTINGS_SCHEMA).sort()).toEqual(Object.keys(DEFAULT_SETTINGS).sort());
    for (const key of SETTING_KEYS) {
      const spec = SETTINGS_SCHEMA[key];
      expect(spec.label, key).not.toBe('');
      expect(spec.summary.length, key).toBeGreaterThan(10);
      expect(spec.help.length, key).toBeGreaterThan(40);
      expect(spec.flag, key).toMatch(/^--[a-z][a-z-]+$/);
      if (spec.type === 'integer') {
        expect(['ms', 'bytes', 'sessions']).toContain(spec.unit);
        expect(spec.min).toBeLessThanOrEqual(spec.default);
        expect(spec.default).toBeLessThanOrEqual(spec.max);
        // Node's timers overflow past 2^31-1 ms: a larger timeout would fire at once.
        if (spec.unit === 'ms') expect(spec.max).toBeLessThan(2 ** 31);
        expect(spec.zeroMeans !== undefined, key).toBe(spec.min === 0);
      }
      expect(checkSetting(key, DEFAULT_SETTINGS[key]).ok, key).toBe(true);
    }
  });

  it('keeps the defaults and the flag names NetLens had', () => {
    expect(DEFAULT_SETTINGS).toEqual({
      connectTimeoutMs: 10_000,
      responseTimeoutMs: 60_000,
      bodyIdleTimeoutMs: 30_000,
      clientHeadersTimeoutMs: 30_000,
      tunnelIdleTimeoutMs: 300_000,
      maxHeaderBytes: 64 * 1024,
      bodyMemoryLimitBytes: 1024 * 1024,
      bodyCaptureCapBytes: 64 * 1024 * 1024,
      spillBudgetBytes: 4 * 1024 ** 3,
      sessionMaxBytes: 8 * 1024 ** 3,
      sessionsMaxTotalBytes: 32 * 1024 ** 3,
      sessionsMaxCount: 50,
      passThroughHosts: [],
      insecureHosts: [],
    });
    expect(SETTINGS_SCHEMA.connectTimeoutMs.flag).toBe('--connect-timeout-ms');
    expect(SETTINGS_SCHEMA.responseTimeoutMs.flag).toBe('--response-timeout-ms');
    expect(SETTINGS_SCHEMA.bodyIdleTimeoutMs.flag).toBe('--body-timeout-ms');
    expect(SETTINGS_SCHEMA.passThroughHosts.flag).toBe('--pass-through');
    expect(SETTINGS_SCHEMA.insecureHosts.flag).toBe('--insecure');
    expect(SETTINGS_SCHEMA.sessionMaxBytes.flag).toBe('--session-max-bytes');
    expect(SETTINGS_SCHEMA.sessionsMaxCount.flag).toBe('--sessions-max-count');
  });

  it('says what 0 means wherever 0 is allowed', () => {
    for (const key of Object.keys(ZERO_ALLOWED) as (keyof typeof SETTINGS_SCHEMA)[]) {
      const spec = SETTINGS_SCHEMA[key];
      if (spec.type !== 'integer') continue;
      expect(rangeText(spec).includes('0 = '), key).toBe(ZERO_ALLOWED[key]);
    }
    expect(rangeText(SETTINGS_SCHEMA.responseTimeoutMs)).toBe('0 to 3600000 ms, 0 = no limit');
  });

  it('refuses digits-only text that is not digits, naming the range', () => {
    for (const text of ['1e3', '10s', '-5', '', ' ', '0x10', '1.0']) {
      const parsed = parseSettingText('connectTimeoutMs', text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.problem).toContain('from 0 to 600000 ms');
    }
    expect(parseSettingText('connectTimeoutMs', ' 2500 ')).toEqual({ ok: true, value: 2500 });
  });
});

describe('every path accepts and refuses the same values', () => {
  for (const c of [...INTEGER_CASES, ...HOST_LIST_CASES]) {
    it(`${c.key} = ${JSON.stringify(c.value).slice(0, 40)}: ${c.valid ? 'accepted' : 'refused'}`, () => {
      expect(fileAccepts(c), 'settings file').toBe(c.valid);
      expect(apiAccepts(c), 'settings:update').toBe(c.valid);
      expect(cliAccepts(c), SETTINGS_SCHEMA[c.key].flag).toBe(c.valid);
    });
  }

  it('refuses JSON that is not a number or a list of strings in the file and the API alike', () => {
    for (const c of [
      { key: 'connectTimeoutMs', value: '1000', valid: false },
      { key: 'connectTimeoutMs', value: null, valid: false },
      { key: 'maxHeaderBytes', value: true, valid: false },
      { key: 'insecureHosts', value: 'a.test', valid: false },
      { key: 'insecureHosts', value: [3], valid: false },
    ] as SettingCase[]) {
      expect(fileAccepts(c), JSON.stringify(c)).toBe(false);
      expect(apiAccepts(c), JSON.stringify(c)).toBe(false);
    }
  });

  it('normalises host lists the same way on every path', () => {
    const hosts = [' a.test ', '[::1]'];
    expect(validateSettings({ insecureHosts: hosts }, 'x').patch.insecureHosts).toEqual(['a.test', '::1']);
    expect(parseSettingsPatch({ insecureHosts: hosts }).insecureHosts).toEqual(['a.test', '::1']);
    const command = addSharedProxyOptions(new Command('proxy').exitOverride(), { host: 'h', json: 'j' });
    command.parse(['--insecure', ' a.test ', '--insecure', '[::1]'], { from: 'user' });
    expect(proxyOptionsFromFlags(command.opts<SharedProxyFlags>(), 0, '/d').settings.insecureHosts).toEqual([
      'a.test',
      '::1',
    ]);
  });
});
