/**
 * Issue 11.12: every file NetLens writes with captured data or secrets is 0600 and every
 * folder it creates for them 0700 — the data dir, the CA, settings, monitors (targets may hold
 * credentials), the window state, spilled bodies. (The HAR files: atomicFileWrite.test.ts, the
 * CLI's in tests/integration/cliSecrets.test.ts, the save dialog's in harFiles.test.ts.)
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '@shared/settingsSchema.js';
import { saveSettings } from '@engine/system/settingsFile.js';
import { saveMonitors } from '@engine/probes/monitorStore.js';
import { BodyStore } from '@engine/capture/bodyStore.js';
import { createEngine } from '@engine/engine.js';
import { saveWindowState } from '@main/windowState.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netlens-modes-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const modeOf = (file: string): number => statSync(file).mode & 0o777;

describe('files with captured data or secrets', () => {
  it('settings.json, monitors.json and window-state.json are 0600 in a 0700 data dir', async () => {
    const dataDir = path.join(tempDir(), 'NetLens');
    await saveMonitors(dataDir, [
      {
        id: 'm',
        name: 'API',
        target: 'https://user:t0ken@127.0.0.1:8443/health',
        intervalMs: 5000,
        timeoutMs: 1000,
      },
    ]);
    await saveSettings(dataDir, DEFAULT_SETTINGS);
    await saveWindowState(dataDir, { width: 800, height: 600, maximized: false });
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'monitors.json'))).toBe(0o600);
    expect(modeOf(path.join(dataDir, 'settings.json'))).toBe(0o600);
    expect(modeOf(path.join(dataDir, 'window-state.json'))).toBe(0o600);
  });

  it('spilled bodies are 0600 files in a 0700 folder', async () => {
    const dataDir = tempDir();
    const store = new BodyStore(dataDir, () => ({ memoryLimitBytes: 4, capBytes: 1024 }));
    const capture = store.open();
    capture.write(Buffer.from('a body larger than the memory limit'));
    const body = await capture.end();
    expect(body.storage).toBe('file');
    const file = (body as { path: string }).path;
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(path.dirname(file))).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'bodies'))).toBe(0o700);
    await store.close();
  });

  it('the engine makes its data dir 0700 (narrowing an existing one) and keeps the CA key 0600', async () => {
    const dataDir = path.join(tempDir(), 'NetLens');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const engine = await createEngine({ dataDir, port: 0 });
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(path.join(dataDir, 'ca'))).toBe(0o700);
      const key = path.join(dataDir, 'ca', 'netlens-ca-key.pem');
      expect(existsSync(key)).toBe(true);
      expect(modeOf(key)).toBe(0o600);
    } finally {
      await engine.close();
    }
  });
});
