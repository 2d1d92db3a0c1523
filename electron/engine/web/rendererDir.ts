/**
 * Where the built renderer is: `dist/renderer` beside the bundled CLI (dist/cli.js), or, when
 * running from source (tests, tsx), `dist/renderer` under the package root above this file.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function findRendererDir(fromFile: string = fileURLToPath(import.meta.url)): string {
  let dir = path.dirname(fromFile);
  for (let depth = 0; depth < 6; depth += 1) {
    if (path.basename(dir) === 'dist' && existsSync(path.join(dir, 'renderer', 'index.html'))) {
      return path.join(dir, 'renderer');
    }
    const candidate = path.join(dir, 'dist', 'renderer');
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // Not built: the server answers 503 with how to build it.
  return path.resolve(path.dirname(fromFile), '..', 'dist', 'renderer');
}
