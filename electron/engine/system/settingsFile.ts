import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Settings } from '../../../shared/settings.js';
import {
  DEFAULT_SETTINGS,
  checkSetting,
  isSettingKey,
  SETTING_KEYS,
} from '../../../shared/settingsSchema.js';
import { unknownValueMessage } from '../../../shared/format.js';
import { writeTextFileAtomically } from './atomicFileWrite.js';
import { ensurePrivateDir } from './dataDir.js';

export const SETTINGS_FILE = 'settings.json';

export interface LoadedSettings {
  settings: Settings;
  /** Problems found in the file; each says which setting and what was kept instead. */
  warnings: string[];
}

/**
 * Checks a partial settings object with the schema's rule (the API and the flags apply the same):
 * unknown keys and invalid values are dropped with a warning naming them and what is used
 * instead (`instead`: the default for the file, the saved value for an override or an update),
 * valid ones kept. A timeout of 0 switches that timeout off where the schema allows it.
 */
export function validateSettings(
  input: unknown,
  source: string,
  instead: 'default' | 'saved' = 'default',
): { patch: Partial<Settings>; warnings: string[] } {
  const warnings: string[] = [];
  const patch: Partial<Settings> = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { patch, warnings: [`${source}: expected a JSON object of settings; using the defaults.`] };
  }
  for (const [key, value] of Object.entries(input)) {
    if (!isSettingKey(key)) {
      warnings.push(`${source}: ${unknownValueMessage('a setting', key, SETTING_KEYS)}; ignored.`);
      continue;
    }
    const checked = checkSetting(key, value);
    if (!checked.ok) {
      const kept =
        instead === 'default' ? `using ${JSON.stringify(DEFAULT_SETTINGS[key])}` : 'the saved value stays';
      warnings.push(`${source}: ${key} ${checked.problem}; ${kept}.`);
      continue;
    }
    (patch as Record<string, unknown>)[key] = checked.value;
  }
  return { patch, warnings };
}

/** Reads `<dataDir>/settings.json` merged over the defaults. A missing file is the defaults; a bad one is the defaults plus a warning, never a crash. */
export async function loadSettings(dataDir: string): Promise<LoadedSettings> {
  const file = path.join(dataDir, SETTINGS_FILE);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { settings: { ...DEFAULT_SETTINGS }, warnings: [] };
    return {
      settings: { ...DEFAULT_SETTINGS },
      warnings: [`Cannot read ${file} (${(error as Error).message}); using the default settings.`],
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      settings: { ...DEFAULT_SETTINGS },
      warnings: [
        `${file} is not valid JSON (${(error as Error).message}); using the default settings. Fix or delete the file.`,
      ],
    };
  }
  const { patch, warnings } = validateSettings(parsed, file);
  return { settings: { ...DEFAULT_SETTINGS, ...patch }, warnings };
}

/** Writes the settings atomically (atomicFileWrite.ts, 0600) so a crash never leaves half a file. */
export async function saveSettings(dataDir: string, settings: Settings): Promise<void> {
  await ensurePrivateDir(dataDir);
  await writeTextFileAtomically(path.join(dataDir, SETTINGS_FILE), `${JSON.stringify(settings, null, 2)}\n`);
}
