/**
 * Screenshot baselines: a screenshot is compared with its checked-in PNG under
 * tests/e2e/baselines/ with a pixel-diff tolerance (pixelmatch). Baselines change only
 * deliberately: `UPDATE_BASELINES=1` writes them; otherwise a missing baseline fails, and a
 * difference over the tolerance fails with the actual image and a diff image (differing pixels in
 * red) written under test-results/screenshots/, their paths in the message.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BASELINE_DIR = path.join(root, 'tests', 'e2e', 'baselines');
export const OUTPUT_DIR = path.join(root, 'test-results', 'screenshots');
export const UPDATE_COMMAND = 'UPDATE_BASELINES=1 npx vitest run --project e2e tests/e2e/screenshots.test.ts';

export interface Tolerance {
  /** pixelmatch's per-pixel colour distance (0..1) under which two pixels count as the same. */
  threshold: number;
  /** The share of differing pixels (0..1) a screenshot may have and still match. */
  maxDiffRatio: number;
}

/** Anti-aliasing and sub-pixel text positioning differ a little between runs; layout changes do not hide under this. */
export const DEFAULT_TOLERANCE: Tolerance = { threshold: 0.05, maxDiffRatio: 0.001 };

export function updatingBaselines(): boolean {
  return process.env.UPDATE_BASELINES === '1';
}

/**
 * Compares `png` with baseline `name` (or writes it with UPDATE_BASELINES=1). Resolves to
 * undefined when it matches, else to a message saying what differs and where the images are.
 */
export function compareWithBaseline(
  name: string,
  png: Buffer,
  tolerance: Tolerance = DEFAULT_TOLERANCE,
): string | undefined {
  const baselinePath = path.join(BASELINE_DIR, `${name}.png`);
  if (updatingBaselines()) {
    mkdirSync(BASELINE_DIR, { recursive: true });
    writeFileSync(baselinePath, png);
    return undefined;
  }
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const actualPath = path.join(OUTPUT_DIR, `${name}.actual.png`);
  const relative = (p: string) => path.relative(root, p);
  if (!existsSync(baselinePath)) {
    writeFileSync(actualPath, png);
    return (
      `${name}: no baseline at ${relative(baselinePath)} (this run's image: ${relative(actualPath)}). ` +
      `Create it deliberately with \`${UPDATE_COMMAND}\`, look at it, and commit it.`
    );
  }
  const expected = PNG.sync.read(readFileSync(baselinePath));
  const actual = PNG.sync.read(png);
  if (expected.width !== actual.width || expected.height !== actual.height) {
    writeFileSync(actualPath, png);
    return (
      `${name}: ${actual.width}×${actual.height} px, the baseline is ${expected.width}×${expected.height} ` +
      `(${relative(actualPath)} vs ${relative(baselinePath)})`
    );
  }
  const diff = new PNG({ width: actual.width, height: actual.height });
  const differing = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, {
    threshold: tolerance.threshold,
  });
  const allowed = Math.floor(actual.width * actual.height * tolerance.maxDiffRatio);
  if (differing <= allowed) return undefined;
  const diffPath = path.join(OUTPUT_DIR, `${name}.diff.png`);
  writeFileSync(actualPath, png);
  writeFileSync(diffPath, PNG.sync.write(diff));
  return (
    `${name}: ${differing} pixels differ from ${relative(baselinePath)} (at most ${allowed} may). ` +
    `Diff: ${relative(diffPath)}, this run: ${relative(actualPath)}. If the change is intended, ` +
    `update the baselines with \`${UPDATE_COMMAND}\`.`
  );
}
