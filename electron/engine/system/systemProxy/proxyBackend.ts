/**
 * One backend per desktop (GNOME, KDE, macOS, Windows): how the OS proxy setting is read into a
 * record of exact values, what NetLens sets, and the commands that write one value. The logic is
 * pure; I/O goes through the CommandRunner, so recorded tool outputs test it as data.
 */
import type { SystemProxyBackend } from '../../../../shared/systemProxy.js';
import type { CommandRunner } from './systemCommand.js';
import type { SettingValue, SettingsRecord, SettingsWriter } from './settingsPlan.js';

/** Where NetLens points the OS: a proxy (manual), or a PAC file served by NetLens (pac). */
export type NetlensProxyTarget =
  { mode: 'manual'; host: string; port: number } | { mode: 'pac'; pacUrl: string };

export interface ProxyBackend extends SettingsWriter {
  readonly id: SystemProxyBackend;
  /** e.g. `GNOME (gsettings)`. */
  readonly label: string;
  /** Reads the current setting; rejects with a SystemProxyError naming the command that failed. */
  read(run: CommandRunner): Promise<SettingsRecord>;
  /**
   * `previous` with NetLens's proxy in. Throws a SystemProxyError (`system_proxy_refused`) when
   * the change could not be undone exactly (e.g. a password NetLens cannot read back).
   */
  desired(previous: SettingsRecord, target: NetlensProxyTarget): SettingsRecord;
  /** One line for `status`: what this setting does. */
  describe(settings: SettingsRecord): string;
  /** Whether `key` can be one of this backend's (checks a journal read from disk). */
  isKey(key: string): boolean;
  /** Whether `value` has the shape this backend stores for `key`. */
  isValue(key: string, value: SettingValue): boolean;
}

/**
 * `previous` plus the loopback entries it lacks, in its own order — unless it holds
 * `<-loopback>`: that user asked for loopback traffic to go through the proxy (Chromium and
 * WinINet read it so), and since in Chromium a later rule wins over an earlier one, appending
 * loopback entries after it would undo their choice.
 */
export function withLoopback(previous: readonly string[], loopback: readonly string[]): string[] {
  const seen = new Set(previous.map((entry) => entry.trim().toLowerCase()));
  if (seen.has('<-loopback>')) return [...previous];
  return [...previous, ...loopback.filter((entry) => !seen.has(entry.toLowerCase()))];
}

export function isStringArray(value: SettingValue): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

export function isRecordValue(value: SettingValue): value is { readonly [field: string]: SettingValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
