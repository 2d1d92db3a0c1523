// Builds everything `npx netlens` and `npm start` need: the CLI, the Electron main and preload
// bundles, and the renderer. Runs from `prepare`, so a fresh `npm install` leaves a working CLI.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const quiet = process.argv.includes('--quiet');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

async function main() {
  await esbuild({
    ...common,
    entryPoints: ['electron/cli/cli.ts'],
    outfile: 'dist/cli.js',
    format: 'esm',
    packages: 'external',
  });
  if (existsSync(path.join(root, 'electron/main/main.ts'))) {
    await esbuild({
      ...common,
      entryPoints: ['electron/main/main.ts'],
      outfile: 'dist/electron/main.cjs',
      format: 'cjs',
      packages: 'external',
      external: ['electron'],
    });
  }
  if (existsSync(path.join(root, 'electron/preload/preload.ts'))) {
    // A sandboxed preload can require only 'electron': bundle everything else into it.
    await esbuild({
      ...common,
      entryPoints: ['electron/preload/preload.ts'],
      outfile: 'dist/electron/preload.cjs',
      format: 'cjs',
      platform: 'node',
      external: ['electron'],
    });
  }
  await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' });
}

main().catch((error) => {
  console.error(`netlens build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
