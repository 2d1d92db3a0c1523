/**
 * Reads a HAR file as it streams, in constant memory: `log`'s own small fields are collected,
 * and each element of `log.entries` is handed over as soon as its closing bracket arrives
 * (JSON.parse of that one entry's bytes). Only the entry being read is ever held, so a file of
 * any size imports with the memory of its largest entry.
 *
 * The scanner works on bytes: every byte JSON's structure depends on (`{}[]",:` and `\`) is
 * ASCII, and a UTF-8 continuation byte is never ASCII, so a chunk boundary inside a multi-byte
 * character changes nothing.
 */
import { jsonSyntaxProblem } from '../analysis/jsonSyntax.js';
import { HarImportError } from './harImport.js';

type State =
  | 'start'
  | 'rootKey'
  | 'rootColon'
  | 'rootNext'
  | 'logValue'
  | 'logKey'
  | 'logColon'
  | 'logNext'
  | 'entriesValue'
  | 'entry'
  | 'entryNext'
  | 'value'
  | 'done';

export interface HarStreamHandlers {
  /** `log` without its entries, once the first entry arrives (or at the end). */
  head(log: Record<string, unknown>): void;
  entry(raw: unknown, index: number): void;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

export class HarStreamReader {
  private state: State = 'start';
  /** Where a value being captured goes when it is complete. */
  private valueFor: 'rootKey' | 'rootSkip' | 'logKey' | 'logField' | 'entry' = 'rootSkip';
  private valueParts: Buffer[] = [];
  private valueBytes = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The value is a bare literal (number, true, false, null): it ends at a delimiter. */
  private literal = false;
  /** Line (1-based) and the byte offset where it starts, counted up to `countedTo`: for messages. */
  private line = 1;
  private lineStartOffset = 0;
  private countedTo = 0;
  /** Where the value being read starts in the file (line and column, 1-based). */
  private valueLine = 1;
  private valueColumn = 1;
  private key = '';
  private sawLog = false;
  private sawEntries = false;
  private readonly log: Record<string, unknown> = {};
  private headGiven = false;
  private entryIndex = 0;
  private offset = 0;
  private bom = true;

  constructor(private readonly handlers: HarStreamHandlers) {}

  /** Bytes read so far. */
  get bytesRead(): number {
    return this.offset;
  }

  write(chunk: Buffer): void {
    let i = 0;
    if (this.bom) {
      this.bom = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    while (i < chunk.length) {
      if (this.state === 'value') {
        i = this.scanValue(chunk, i);
        continue;
      }
      const byte = chunk[i]!;
      if (isSpace(byte)) {
        i += 1;
        continue;
      }
      i += this.structural(byte);
    }
    this.countLines(chunk, chunk.length);
    this.offset += chunk.length;
  }

  /** Counts the line breaks of `chunk` up to `end` (each byte once over the whole file). */
  private countLines(chunk: Buffer, end: number): void {
    let nl = chunk.indexOf(0x0a, Math.max(0, this.countedTo - this.offset));
    while (nl !== -1 && nl < end) {
      this.line += 1;
      this.lineStartOffset = this.offset + nl + 1;
      nl = chunk.indexOf(0x0a, nl + 1);
    }
    this.countedTo = Math.max(this.countedTo, this.offset + end);
  }

  /** The file ended: everything must be closed by now. */
  end(): void {
    if (this.state === 'value' && this.literal) this.finishValue();
    if (this.state === 'start') {
      throw new HarImportError('The file is empty: a HAR file is a JSON document {"log": {...}}.');
    }
    if (this.state !== 'done') {
      throw new HarImportError(
        `The file ends too early (after ${this.offset} bytes, inside ${this.where()}): it is cut off or not valid JSON.`,
      );
    }
    if (!this.sawLog)
      throw new HarImportError(
        'log: missing; this JSON is not a HAR file (a HAR file is {"log": {"entries": [...]}}).',
      );
    if (!this.sawEntries)
      throw new HarImportError('log.entries: missing; a HAR log holds its entries in an array.');
    this.giveHead();
  }

  private where(): string {
    if (this.state === 'value' && this.valueFor === 'entry') return `log.entries[${this.entryIndex}]`;
    if (this.state === 'value' && this.valueFor.startsWith('log')) return 'log';
    if (this.state.startsWith('entr')) return `log.entries[${this.entryIndex}]`;
    if (this.state.startsWith('log')) return 'log';
    return 'the document';
  }

  private fail(what: string): never {
    throw new HarImportError(`The file is not valid HAR JSON at byte ${this.offset}: ${what}.`);
  }

  /** Handles one byte between values; returns 1, or 0 when a value starts at this very byte. */
  private structural(byte: number): 0 | 1 {
    const char = String.fromCharCode(byte);
    switch (this.state) {
      case 'start':
        if (byte !== 0x7b) {
          throw new HarImportError(
            byte === 0x5b
              ? 'The file is an array, not a HAR object {"log": {...}}.'
              : 'The file is not valid JSON: a HAR file starts with {.',
          );
        }
        return this.to('rootKey');
      case 'rootKey':
        if (byte === 0x7d) return this.to('done');
        if (byte !== QUOTE) this.fail(`expected a key, found "${char}"`);
        return this.beginValue('rootKey');
      case 'rootColon':
        if (byte !== 0x3a) this.fail(`expected ":", found "${char}"`);
        if (this.key !== 'log') {
          this.beginValue('rootSkip');
          return 1;
        }
        this.sawLog = true;
        return this.to('logValue');
      case 'logColon':
        if (byte !== 0x3a) this.fail(`expected ":", found "${char}"`);
        if (this.key !== 'entries') {
          this.beginValue('logField');
          return 1;
        }
        this.sawEntries = true;
        return this.to('entriesValue');
      case 'logValue':
        if (byte !== 0x7b) throw new HarImportError(`log: must be an object, found "${char}"…`);
        return this.to('logKey');
      case 'logKey':
        if (byte === 0x7d) return this.to('rootNext');
        if (byte !== QUOTE) this.fail(`expected a key in log, found "${char}"`);
        return this.beginValue('logKey');
      case 'entriesValue':
        if (byte !== 0x5b) throw new HarImportError(`log.entries: must be an array, found "${char}"…`);
        this.expectEntry = false;
        return this.to('entry');
      case 'entry':
        if (byte === 0x5d && !this.expectEntry) return this.to('logNext');
        this.giveHead();
        return this.beginValue('entry');
      case 'entryNext':
        if (byte === 0x2c) {
          this.expectEntry = true;
          return this.to('entry');
        }
        if (byte === 0x5d) return this.to('logNext');
        return this.fail(`expected "," or "]" after log.entries[${this.entryIndex - 1}], found "${char}"`);
      case 'rootNext':
        if (byte === 0x2c) return this.to('rootKey');
        if (byte === 0x7d) return this.to('done');
        return this.fail(`expected "," or "}", found "${char}"`);
      case 'logNext':
        if (byte === 0x2c) return this.to('logKey');
        if (byte === 0x7d) return this.to('rootNext');
        return this.fail(`expected "," or "}" in log, found "${char}"`);
      case 'done':
        return this.fail(`unexpected "${char}" after the end of the document`);
      case 'value':
        return 1;
    }
  }

  private to(state: State): 1 {
    this.state = state;
    return 1;
  }

  private expectEntry = false;

  private prepareValue(target: HarStreamReader['valueFor']): void {
    this.valueFor = target;
    this.valueParts = [];
    this.valueBytes = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.literal = false;
    this.started = false;
  }

  private started = false;

  /** A value starts here (0: at this byte) or after it (the caller returns 1 itself). */
  private beginValue(target: HarStreamReader['valueFor']): 0 {
    this.prepareValue(target);
    this.state = 'value';
    return 0;
  }

  /** Scans a value from chunk[i]; returns where it stopped (the chunk's end, or just after the value). */
  private scanValue(chunk: Buffer, from: number): number {
    let i = from;
    if (!this.started) {
      while (i < chunk.length && isSpace(chunk[i]!)) i += 1;
      if (i === chunk.length) return i;
      const first = chunk[i]!;
      this.started = true;
      this.countLines(chunk, i);
      this.valueLine = this.line;
      this.valueColumn = this.offset + i - this.lineStartOffset + 1;
      this.literal = first !== 0x7b && first !== 0x5b && first !== QUOTE;
    }
    const start = i;
    if (this.literal) {
      while (i < chunk.length) {
        const b = chunk[i]!;
        if (b === 0x2c || b === 0x7d || b === 0x5d || isSpace(b)) {
          this.keep(chunk, start, i);
          this.finishValue();
          return i;
        }
        i += 1;
      }
      this.keep(chunk, start, i);
      return i;
    }
    while (i < chunk.length) {
      if (this.inString) {
        // Strings are most of a HAR's bytes (bodies): jump to the next quote or backslash.
        if (this.escaped) {
          this.escaped = false;
          i += 1;
          continue;
        }
        const quote = chunk.indexOf(QUOTE, i);
        const slash = chunk.indexOf(BACKSLASH, i);
        const next = quote === -1 ? slash : slash === -1 ? quote : Math.min(quote, slash);
        if (next === -1) {
          i = chunk.length;
          break;
        }
        i = next + 1;
        if (chunk[next] === BACKSLASH) this.escaped = true;
        else {
          this.inString = false;
          if (this.depth === 0) {
            this.keep(chunk, start, i);
            this.finishValue();
            return i;
          }
        }
        continue;
      }
      const b = chunk[i]!;
      i += 1;
      if (b === QUOTE) this.inString = true;
      else if (b === 0x7b || b === 0x5b) this.depth += 1;
      else if (b === 0x7d || b === 0x5d) {
        this.depth -= 1;
        if (this.depth === 0) {
          this.keep(chunk, start, i);
          this.finishValue();
          return i;
        }
      }
    }
    this.keep(chunk, start, i);
    return i;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    // A copy: the caller may reuse its chunk once write() returns.
    this.valueParts.push(Buffer.from(chunk.subarray(from, to)));
    this.valueBytes += to - from;
  }

  private finishValue(): void {
    const bytes =
      this.valueParts.length === 1 ? this.valueParts[0]! : Buffer.concat(this.valueParts, this.valueBytes);
    this.valueParts = [];
    this.valueBytes = 0;
    const target = this.valueFor;
    if (target === 'rootSkip') {
      this.state = 'rootNext';
      return;
    }
    let value: unknown;
    const text = bytes.toString('utf8');
    try {
      value = JSON.parse(text);
    } catch {
      // Say where in the file, as the whole-file parser does: JSON.parse's message quotes the text.
      const problem = jsonSyntaxProblem(text);
      const line = this.valueLine + (problem ? problem.line - 1 : 0);
      const column =
        problem && problem.line > 1 ? problem.column : this.valueColumn + (problem ? problem.column - 1 : 0);
      const inWhat = target === 'entry' ? `log.entries[${this.entryIndex}]` : this.where();
      throw new HarImportError(
        `The file is not valid JSON: ${problem?.problem ?? 'a value could not be parsed'} (line ${line}, column ${column}), in ${inWhat}.`,
      );
    }
    switch (target) {
      case 'rootKey':
        this.key = value as string;
        this.state = 'rootColon';
        return;
      case 'logKey':
        this.key = value as string;
        this.state = 'logColon';
        return;
      case 'logField':
        this.log[this.key] = value;
        this.state = 'logNext';
        return;
      case 'entry':
        this.handlers.entry(value, this.entryIndex);
        this.entryIndex += 1;
        this.state = 'entryNext';
        return;
    }
  }

  private giveHead(): void {
    if (this.headGiven) return;
    this.headGiven = true;
    this.handlers.head(this.log);
  }
}
