/**
 * Issue 11.14: no Electron fuses were set at packaging. The packaging config is read and
 * validated by the installed electron-builder itself (its own loader and schema), so a key it
 * does not know — a misspelt fuse, or one an upgrade renamed — fails here, not at release time.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
// The first use loads electron-builder's schema and validator: seconds, not milliseconds.
const LOAD_TIMEOUT_MS = 60_000;

async function loadConfig() {
  return getConfig(root, path.join(root, 'electron-builder.yml'), null);
}

describe('electron-builder.yml', () => {
  it(
    'is a configuration the installed electron-builder accepts',
    async () => {
      const config = await loadConfig();
      await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
      // The check can fail: a fuse electron-builder does not know is refused.
      await expect(
        validateConfiguration(
          { ...config, electronFuses: { runAsNodee: false } } as never,
          new DebugLogger(false),
        ),
      ).rejects.toThrow(/electronFuses/);
    },
    LOAD_TIMEOUT_MS,
  );

  it(
    'flips the fuses that close the doors NetLens does not use',
    async () => {
      const config = await loadConfig();
      expect(config.asar).toBe(true);
      expect(config.electronFuses).toEqual({
        runAsNode: false,
        enableCookieEncryption: true,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        enableEmbeddedAsarIntegrityValidation: true,
        onlyLoadAppFromAsar: true,
        grantFileProtocolExtraPrivileges: false,
      });
    },
    LOAD_TIMEOUT_MS,
  );
});
