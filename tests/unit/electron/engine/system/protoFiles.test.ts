import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  protoFileNameOnDisk,
  readProtoFiles,
  removeProtoFile,
  saveProtoFile,
} from '@engine/system/protoFiles.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('protoFiles', () => {
  it('names on disk stay inside protos/, as .proto files', () => {
    expect(protoFileNameOnDisk('echo.proto')).toBe('echo.proto');
    expect(protoFileNameOnDisk('../../etc/passwd')).toBe('passwd.proto');
    expect(protoFileNameOnDisk('my api v2.proto')).toBe('my_api_v2.proto');
    expect(protoFileNameOnDisk('..')).toBe('_.proto');
    expect(protoFileNameOnDisk('')).toBe('unnamed.proto');
  });

  it('saves, reads back in name order, and removes', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-protos-'));
    dirs.push(dataDir);
    expect(await readProtoFiles(dataDir)).toEqual([]);
    await saveProtoFile(dataDir, 'b.proto', 'B');
    await saveProtoFile(dataDir, 'a.proto', 'A');
    await saveProtoFile(dataDir, 'a.proto', 'A2');
    expect(await readProtoFiles(dataDir)).toEqual([
      { fileName: 'a.proto', text: 'A2' },
      { fileName: 'b.proto', text: 'B' },
    ]);
    if (process.platform !== 'win32')
      expect(fs.statSync(path.join(dataDir, 'protos', 'a.proto')).mode & 0o077).toBe(0);
    await removeProtoFile(dataDir, 'a.proto');
    expect((await readProtoFiles(dataDir)).map((f) => f.fileName)).toEqual(['b.proto']);
  });
});
