import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProxyFlag, resolveProxyTarget } from '@cli/runningNetlens.js';
import { CliError } from '@cli/cliError.js';

const dirs: string[] = [];
function dataDir(running?: object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-running-'));
  dirs.push(dir);
  if (running) fs.writeFileSync(path.join(dir, 'running.json'), JSON.stringify(running));
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('parseProxyFlag', () => {
  it('takes HOST:PORT, [v6]:PORT and http://HOST:PORT', () => {
    expect(parseProxyFlag('127.0.0.1:8899')).toEqual({ host: '127.0.0.1', port: 8899 });
    expect(parseProxyFlag('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(parseProxyFlag('http://localhost:8080/')).toEqual({ host: 'localhost', port: 8080 });
  });

  it('rejects anything else as a usage error naming the flag', () => {
    for (const bad of ['8899', 'host:', 'host:99999', '::1:80', 'a b:80', 'https://x:1']) {
      expect(() => parseProxyFlag(bad), bad).toThrow(CliError);
      expect(() => parseProxyFlag(bad)).toThrow(/--proxy must be HOST:PORT/);
    }
  });
});

describe('resolveProxyTarget', () => {
  const live = { pid: process.pid, proxy: 'http://127.0.0.1:40123', controlToken: 't'.repeat(32) };

  it('defaults to 127.0.0.1:8899 when nothing runs', () => {
    expect(resolveProxyTarget(dataDir())).toEqual({
      host: '127.0.0.1',
      port: 8899,
      url: 'http://127.0.0.1:8899',
    });
  });

  it('uses the running NetLens of the data directory', () => {
    const target = resolveProxyTarget(dataDir(live));
    expect(target).toMatchObject({ host: '127.0.0.1', port: 40123, url: 'http://127.0.0.1:40123' });
    expect(target.running?.controlToken).toBe(live.controlToken);
  });

  it('lets --proxy win, keeping the control endpoint when it names the running NetLens', () => {
    const dir = dataDir(live);
    expect(resolveProxyTarget(dir, '10.1.2.3:3128')).toEqual({
      host: '10.1.2.3',
      port: 3128,
      url: 'http://10.1.2.3:3128',
    });
    expect(resolveProxyTarget(dir, 'localhost:40123').running?.pid).toBe(process.pid);
  });

  it('says why a running.json was not used', () => {
    const target = resolveProxyTarget(dataDir({ ...live, pid: 2 ** 22 + 12345 }));
    expect(target.url).toBe('http://127.0.0.1:8899');
    expect(target.problem).toMatch(/no longer running/);
  });
});
