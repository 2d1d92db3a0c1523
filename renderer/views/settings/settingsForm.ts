/**
 * The settings form's logic, apart from React: each field is text as the user typed it, read with
 * the settings schema's own rule (the settings file, the API and the flags apply the same), so the
 * form accepts exactly what the engine will.
 */
import type { Settings } from '../../../shared/settings';
import {
  SETTINGS_SCHEMA,
  SETTING_KEYS,
  checkSetting,
  parseSettingText,
  type SettingCheck,
  type SettingKey,
} from '../../../shared/settingsSchema';

/** The text of each field: a number as digits, a host list one host per line. */
export type SettingFields = Record<SettingKey, string>;

export function settingText(key: SettingKey, value: Settings[SettingKey]): string {
  return SETTINGS_SCHEMA[key].type === 'hostList' ? (value as string[]).join('\n') : String(value);
}

export function fieldsOf(settings: Settings): SettingFields {
  return Object.fromEntries(
    SETTING_KEYS.map((key) => [key, settingText(key, settings[key])]),
  ) as SettingFields;
}

/** One field's text as a value; blank lines of a host list are not entries. */
export function parseSettingField<K extends SettingKey>(key: K, text: string): SettingCheck<Settings[K]> {
  if (SETTINGS_SCHEMA[key].type === 'hostList') {
    const hosts = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    return checkSetting(key, hosts);
  }
  return parseSettingText(key, text) as SettingCheck<Settings[K]>;
}

export interface FormReading {
  /** The settings that differ from the saved ones. */
  patch: Partial<Settings>;
  /** What is wrong with each field that cannot be read, by setting. */
  problems: Partial<Record<SettingKey, string>>;
}

export function readForm(saved: Settings, fields: SettingFields): FormReading {
  const patch: Partial<Settings> = {};
  const problems: Partial<Record<SettingKey, string>> = {};
  for (const key of SETTING_KEYS) {
    const parsed = parseSettingField(key, fields[key]);
    if (!parsed.ok) {
      problems[key] = parsed.problem;
      continue;
    }
    if (JSON.stringify(parsed.value) !== JSON.stringify(saved[key])) {
      (patch as Record<string, unknown>)[key] = parsed.value;
    }
  }
  return { patch, problems };
}
