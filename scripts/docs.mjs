// `npm run docs`: writes the reference pages generated from the code (docs/settings.md,
// docs/error-classes.md, docs/filter.md). `--check` writes nothing and exits 1 when a committed
// page differs from what would be written (the unit tests check the same).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { referenceDocs } from './referenceDocs.ts';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const check = process.argv.includes('--check');
const pages = await referenceDocs(root);
let stale = 0;
for (const [file, text] of Object.entries(pages)) {
  const target = path.join(root, file);
  let current;
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  if (check) {
    console.error(`${file} is out of date: run npm run docs`);
    stale += 1;
    continue;
  }
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${file}`);
}
process.exit(stale > 0 ? 1 : 0);
