#!/usr/bin/env node
// The `netlens` command. The TypeScript sources are built to dist/ by `npm install` (prepare);
// if that build is missing (e.g. a source checkout without install scripts), build it once here.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(root, 'dist', 'cli.js');

if (!existsSync(cli)) {
  console.error('netlens: first run, building dist/ ...');
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--quiet'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (built.status !== 0 || !existsSync(cli)) {
    console.error('netlens: the build failed; run `npm install` in the NetLens folder and try again.');
    process.exit(1);
  }
}

const { main } = await import(pathToFileURL(cli).href);
await main(process.argv.slice(2));
