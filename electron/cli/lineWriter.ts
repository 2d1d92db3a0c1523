/**
 * Lines to stdout for the long-running commands, which must outlive a reader that goes away
 * (`netlens proxy --json | head -1`) and must not lose their last lines on exit.
 */

/** stdout that survives a closed reader: lines are dropped, NetLens runs on. */
export function lineWriter(stream: NodeJS.WriteStream): (line: string) => void {
  let broken = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') broken = true;
  });
  return (line) => {
    if (!broken) stream.write(`${line}\n`);
  };
}

/** Resolves once what was written so far has been handed to the OS, so process.exit() cuts nothing. */
export async function flush(stream: NodeJS.WriteStream): Promise<void> {
  await new Promise<void>((resolve) => {
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}
