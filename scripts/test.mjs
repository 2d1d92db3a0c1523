// `npm test`: lint, type-check, unit + integration tests, then the end-to-end tests in Chromium.
// Every step runs even when an earlier one failed, so one run shows every problem; any failure
// makes the exit code non-zero. The last line is the plain "N passed, N failed" summary.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const reports = path.join(root, 'test-results');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const failedSteps = [];
let passed = 0;
let failed = 0;

function run(name, command, args) {
  console.log(`\n── ${name}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  const ok = result.status === 0;
  if (!ok) failedSteps.push(name);
  return ok;
}

function vitest(project) {
  const out = path.join(reports, `${project}.json`);
  const ok = run(`${project} tests`, 'npx', [
    'vitest',
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ]);
  try {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
    if ((report.numTotalTests ?? 0) === 0) {
      console.error(`${project}: no test ran`);
      failedSteps.push(`${project} (no tests)`);
    }
  } catch {
    if (ok) failedSteps.push(`${project} (no report)`);
    failed += 1;
  }
}

const only = process.argv.slice(2);
const want = (step) => only.length === 0 || only.includes(step);

if (want('lint')) run('lint', 'npx', ['eslint', '.', '--max-warnings=0']);
// Import cycles (type-only ones included) in the engine, the shell, shared/ and the renderer: the layers must stay a tree.
if (want('cycles'))
  run('cycles', 'npx', [
    'madge',
    '--circular',
    '--no-spinner',
    '--extensions',
    'ts,tsx',
    '--ts-config',
    'tsconfig.json',
    'electron',
    'shared',
    'renderer',
  ]);
if (want('format')) run('format', 'npx', ['prettier', '--check', '.']);
if (want('typecheck')) run('typecheck', 'npm', ['run', '--silent', 'typecheck']);
if (want('unit')) vitest('unit');
if (want('integration')) vitest('integration');
if (want('e2e')) {
  if (run('build', 'node', ['scripts/build.mjs', '--quiet'])) vitest('e2e');
  else failed += 1;
}

console.log('');
if (failedSteps.length > 0) console.log(`Failed steps: ${failedSteps.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failedSteps.length > 0 || failed > 0 ? 1 : 0);
