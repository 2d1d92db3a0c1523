import fsp from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings.js';

export const SETTINGS_FILE = 'settings.json';

export interface LoadedSettings {
  settings: Settings;
  /** Problems found in the file; each says which setting and what was kept instead. */
  warnings: string[];
}

type Validator = (value: unknown) => boolean;

const positiveInteger: Validator = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const hostList: Validator = (v) => Array.isArray(v) && v.every((h) => typeof h === 'string');

const VALIDATORS: Record<keyof Settings, Validator> = {
  connectTimeoutMs: positiveInteger,
  responseTimeoutMs: positiveInteger,
  bodyIdleTimeoutMs: positiveInteger,
  clientHeadersTimeoutMs: (v) => positiveInteger(v) && (v as number) > 0,
  tunnelIdleTimeoutMs: positiveInteger,
  maxHeaderBytes: (v) => positiveInteger(v) && (v as number) >= 1024,
  bodyMemoryLimitBytes: positiveInteger,
  bodyCaptureCapBytes: positiveInteger,
  passThroughHosts: hostList,
  insecureHosts: hostList,
};

/**
 * Checks a partial settings object: unknown keys and invalid values are dropped with a warning
 * naming them, valid ones kept. Timeouts of 0 disable that timeout.
 */
export function validateSettings(
  input: unknown,
  source: string,
): { patch: Partial<Settings>; warnings: string[] } {
  const warnings: string[] = [];
  const patch: Partial<Settings> = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { patch, warnings: [`${source}: expected a JSON object of settings; using the defaults.`] };
  }
  for (const [key, value] of Object.entries(input)) {
    if (!(key in VALIDATORS)) {
      warnings.push(`${source}: unknown setting "${key}" ignored.`);
      continue;
    }
    const name = key as keyof Settings;
    if (!VALIDATORS[name](value)) {
      warnings.push(
        `${source}: invalid value for "${key}" (${JSON.stringify(value)}); using ${JSON.stringify(DEFAULT_SETTINGS[name])}.`,
      );
      continue;
    }
    (patch as Record<string, unknown>)[name] = Array.isArray(value)
      ? value.map((h: string) => h.trim()).filter(Boolean)
      : value;
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

/** Writes the settings atomically (temp file + rename) so a crash never leaves half a file. */
export async function saveSettings(dataDir: string, settings: Settings): Promise<void> {
  await fsp.mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, SETTINGS_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(temp, `${JSON.stringify(settings, null, 2)}\n`, 'utf8');
  await fsp.rename(temp, file);
}
