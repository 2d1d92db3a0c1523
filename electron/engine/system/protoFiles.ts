/**
 * The .proto files the user loaded, kept in the data directory (`protos/`), so the names they
 * put on gRPC fields are still there after a restart. One file each, under its own name made
 * safe for a file system (what is not a letter, digit, `.`, `_` or `-` becomes `_`).
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from './atomicFileWrite.js';
import { PRIVATE_DIR_MODE } from './dataDir.js';

export const PROTOS_DIR = 'protos';

export function protoFileNameOnDisk(fileName: string): string {
  const safe = path.basename(fileName).replace(/[^A-Za-z0-9._-]/g, '_');
  const name = safe.replace(/^\.+/, '_') || 'unnamed';
  return name.endsWith('.proto') ? name : `${name}.proto`;
}

export async function saveProtoFile(dataDir: string, fileName: string, text: string): Promise<void> {
  const dir = path.join(dataDir, PROTOS_DIR);
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await writeFileAtomically(path.join(dir, protoFileNameOnDisk(fileName)), async (handle) => {
    await handle.writeFile(text, 'utf8');
  });
}

export async function removeProtoFile(dataDir: string, fileName: string): Promise<void> {
  await rm(path.join(dataDir, PROTOS_DIR, protoFileNameOnDisk(fileName)), { force: true });
}

/** The saved files, by name; none when the folder does not exist. */
export async function readProtoFiles(dataDir: string): Promise<{ fileName: string; text: string }[]> {
  const dir = path.join(dataDir, PROTOS_DIR);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: { fileName: string; text: string }[] = [];
  for (const fileName of names.filter((name) => name.endsWith('.proto')).sort())
    files.push({ fileName, text: await readFile(path.join(dir, fileName), 'utf8') });
  return files;
}
