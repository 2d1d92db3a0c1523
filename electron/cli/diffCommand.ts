/**
 * `netlens diff FILE.har A B [--json]` (DESIGN.md, "The command line"): diffs two entries of a
 * HAR, chosen by 0-based index or by id. Exit codes as diff(1): 0 same, 1 different, 2 error.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ExchangeDiff, BodyDiff } from '../../shared/diff.js';
import type { Exchange } from '../../shared/model.js';
import { parseHar } from '../engine/capture/harImport.js';
import { diffExchanges, type ExchangeBodies } from '../engine/analysis/exchangeDiff.js';
import { CliError } from './cliError.js';

const EXIT_SAME = 0;
const EXIT_DIFFERENT = 1;
const EXIT_ERROR = 2;

interface EntryIds {
  /** `_netlens.id`, `_id` or `id` of each raw entry, by index. */
  ids: (string | undefined)[];
}

function rawEntryIds(text: string): EntryIds {
  try {
    const doc = JSON.parse(text) as { log?: { entries?: unknown[] } };
    const entries = Array.isArray(doc.log?.entries) ? doc.log.entries : [];
    return {
      ids: entries.map((entry) => {
        if (typeof entry !== 'object' || entry === null) return undefined;
        const record = entry as Record<string, unknown>;
        const netlens = record._netlens as Record<string, unknown> | undefined;
        for (const candidate of [netlens?.id, record._id, record.id]) {
          if (typeof candidate === 'string' || typeof candidate === 'number') return String(candidate);
        }
        return undefined;
      }),
    };
  } catch {
    return { ids: [] };
  }
}

interface LoadedHar {
  entryCount: number;
  /** The imported exchange of each raw entry index (undefined when the entry was skipped). */
  byIndex: (Exchange | undefined)[];
  skipped: Map<number, string>;
  ids: (string | undefined)[];
  bodies: Map<string, ExchangeBodies>;
}

async function loadHar(file: string): Promise<LoadedHar> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new CliError(`Cannot read ${file}: ${why}.`, EXIT_ERROR, { cause: error });
  }
  let parsed: ReturnType<typeof parseHar>;
  try {
    parsed = parseHar(text);
  } catch (error) {
    throw new CliError(
      `${file} is not a usable HAR file: ${error instanceof Error ? error.message : String(error)}`,
      EXIT_ERROR,
      { cause: error },
    );
  }
  const { ids } = rawEntryIds(text);
  const skipped = new Map(parsed.skipped.map((s) => [s.index, s.reason]));
  const entryCount = Math.max(ids.length, parsed.exchanges.length + skipped.size);
  const byIndex: (Exchange | undefined)[] = [];
  let next = 0;
  for (let index = 0; index < entryCount; index += 1) {
    byIndex.push(skipped.has(index) ? undefined : parsed.exchanges[next++]);
  }
  const bodies = new Map<string, ExchangeBodies>();
  for (const [id, body] of parsed.bodies) {
    const entry: ExchangeBodies = {};
    if (body.request) entry.request = body.request;
    if (body.response) entry.response = body.response;
    bodies.set(id, entry);
  }
  return { entryCount, byIndex, skipped, ids, bodies };
}

function countText(har: LoadedHar, file: string): string {
  return har.entryCount === 0
    ? `${file} has no entries`
    : `${file} has ${har.entryCount} entr${har.entryCount === 1 ? 'y' : 'ies'} (indices 0–${har.entryCount - 1})`;
}

function resolveEntry(har: LoadedHar, spec: string, file: string): { index: number; exchange: Exchange } {
  let index: number | undefined;
  if (/^\d+$/.test(spec)) index = Number(spec);
  else {
    const byRawId = har.ids.indexOf(spec);
    if (byRawId >= 0) index = byRawId;
    else {
      const byExchangeId = har.byIndex.findIndex((e) => e?.id === spec);
      if (byExchangeId >= 0) index = byExchangeId;
    }
    if (index === undefined) {
      throw new CliError(
        `No entry with id "${spec}": ${countText(har, file)}; give an index or an _netlens.id.`,
        EXIT_ERROR,
      );
    }
  }
  if (index >= har.entryCount) {
    throw new CliError(`Entry ${index} does not exist: ${countText(har, file)}.`, EXIT_ERROR);
  }
  const exchange = har.byIndex[index];
  if (!exchange) {
    throw new CliError(
      `Entry ${index} of ${file} could not be read: ${har.skipped.get(index) ?? 'unknown reason'}.`,
      EXIT_ERROR,
    );
  }
  return { index, exchange };
}

function describeSide(index: number, exchange: Exchange): string {
  const outcome = exchange.error
    ? exchange.error.class
    : exchange.response
      ? `${exchange.response.status}${exchange.response.statusText ? ` ${exchange.response.statusText}` : ''}`
      : 'no response';
  return `entry ${index}: ${exchange.request.method} ${exchange.request.url} → ${outcome}`;
}

function bodyDetail(label: string, body: BodyDiff): string[] {
  const first = body.firstDifference;
  if (!first || body.verdict === 'identical') return [];
  const lines = [`${label} bytes at offset ${first.offset}:`];
  const render = (name: string, window: typeof first.left) =>
    `  ${name} @${String(window.startOffset).padStart(6)}  ${window.hex.join(' ').padEnd(32 * 3)} |${window.text}|`;
  lines.push(render('left ', first.left), render('right', first.right));
  for (const change of (body.jsonChanges ?? []).slice(0, 10)) {
    if (change.kind === 'changed') lines.push(`  ${change.path}: ${change.left} → ${change.right}`);
    else if (change.kind === 'added') lines.push(`  ${change.path}: added ${change.right}`);
    else lines.push(`  ${change.path}: removed ${change.left}`);
  }
  if ((body.jsonChanges?.length ?? 0) > 10) lines.push(`  … ${body.jsonChanges!.length - 10} more paths`);
  const changedLines = (body.lines ?? []).filter((l) => l.op !== 'same').slice(0, 12);
  if (body.kind !== 'json' && changedLines.length > 0) {
    for (const line of changedLines) {
      const number = line.op === 'removed' ? line.leftLine : line.rightLine;
      lines.push(
        `  ${line.op === 'removed' ? '-' : '+'} ${String(number).padStart(4)} ${JSON.stringify(line.text).slice(1, -1)}`,
      );
    }
  }
  return lines;
}

export function formatDiffText(diff: ExchangeDiff, leftLabel: string, rightLabel: string): string {
  const lines = [`left  ${leftLabel}`, `right ${rightLabel}`, ''];
  const noDifference = diff.summary.length === 1 && diff.summary[0] === 'No differences.';
  if (noDifference) lines.push('Same: no differences.');
  else if (diff.same) {
    // The first summary line already says "No material differences"; list what does differ.
    lines.push(`Same: ${diff.summary[0]}`, ...diff.summary.slice(1).map((text) => `  ${text}`));
  } else lines.push(diff.headline, '', 'Different:', ...diff.summary.map((text) => `  ${text}`));
  const details = [
    ...bodyDetail('Request body', diff.requestBody),
    ...bodyDetail('Response body', diff.responseBody),
  ];
  if (details.length > 0) lines.push('', ...details);
  return lines.join('\n');
}

export async function runDiff(
  file: string,
  a: string,
  b: string,
  options: { json?: boolean },
): Promise<number> {
  const har = await loadHar(file);
  const left = resolveEntry(har, a, file);
  const right = resolveEntry(har, b, file);
  const bodies: { left?: ExchangeBodies; right?: ExchangeBodies } = {};
  const leftBodies = har.bodies.get(left.exchange.id);
  const rightBodies = har.bodies.get(right.exchange.id);
  if (leftBodies) bodies.left = leftBodies;
  if (rightBodies) bodies.right = rightBodies;
  const diff = diffExchanges(left.exchange, right.exchange, bodies);
  if (options.json) process.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
  else {
    process.stdout.write(
      `${formatDiffText(diff, describeSide(left.index, left.exchange), describeSide(right.index, right.exchange))}\n`,
    );
  }
  return diff.same ? EXIT_SAME : EXIT_DIFFERENT;
}

export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description(
      'Diff two entries of a HAR file (by 0-based index or id). Exit 0 same, 1 different, 2 error.',
    )
    .argument('<file>', 'HAR file')
    .argument('<a>', 'first entry: 0-based index or _netlens.id')
    .argument('<b>', 'second entry: 0-based index or _netlens.id')
    .option('--json', 'print the structured diff as JSON')
    .action(async (file: string, a: string, b: string, options: { json?: boolean }) => {
      process.exitCode = await runDiff(file, a, b, options);
    });
}
