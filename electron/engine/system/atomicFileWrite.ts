/**
 * Replacing a file so that no reader ever sees it half-written, even if NetLens dies mid-write:
 * the content goes to a temporary file next to the target (same file system, so the rename is
 * atomic), is synced, then renamed over the target.
 *
 * The file is private by default (0600): what NetLens writes holds captured traffic (a HAR with
 * the Authorization headers it saw), credentials (monitor targets) or settings. The mode is set
 * when the temporary file is created, so the content is never readable by others, not even for
 * an instant; a replaced file gets the new mode, not the old one's. (Windows has no such modes:
 * there the file inherits its folder's ACL, which for the user's profile is the user's alone.)
 */
import { mkdtemp, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { PRIVATE_FILE_MODE } from './dataDir.js';

export interface AtomicWriteOptions {
  /** Permission bits of the written file (further narrowed by the umask). Default 0600. */
  mode?: number;
}

/** Creates a temporary file next to `file`, lets `write` fill it, then renames it to `file`. */
export async function writeFileAtomically(
  file: string,
  write: (handle: FileHandle) => Promise<void>,
  options: AtomicWriteOptions = {},
): Promise<void> {
  // mkdtemp makes the folder 0700: the partial file is private whatever its own mode.
  const tempDir = await mkdtemp(path.join(path.dirname(file), `.${path.basename(file)}.`));
  const temp = path.join(tempDir, 'partial');
  try {
    const handle = await open(temp, 'wx', options.mode ?? PRIVATE_FILE_MODE);
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

/** writeFileAtomically for text (UTF-8). */
export async function writeTextFileAtomically(
  file: string,
  text: string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  await writeFileAtomically(file, (handle) => handle.writeFile(text, 'utf8'), options);
}
