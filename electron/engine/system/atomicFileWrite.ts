/**
 * Replacing a file so that no reader ever sees it half-written, even if NetLens dies mid-write:
 * the content goes to a temporary file next to the target (same file system, so the rename is
 * atomic), is synced, then renamed over the target.
 */
import { mkdtemp, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** Creates a temporary file next to `file`, lets `write` fill it, then renames it to `file`. */
export async function writeFileAtomically(
  file: string,
  write: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  const tempDir = await mkdtemp(path.join(path.dirname(file), `.${path.basename(file)}.`));
  const temp = path.join(tempDir, 'partial');
  try {
    const handle = await open(temp, 'w');
    try {
      await write(handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}
