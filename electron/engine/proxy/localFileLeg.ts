import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { LocalAnswer } from '../rules/exchangeRulePlan.js';
import type { LegReporter, UpstreamLeg } from './upstreamLeg.js';

/**
 * A rule's file as the response (map local, a mock body from a file): in place of an upstream,
 * its head, chunks and end go to the lifecycle as an upstream's would, so shaping, capture and
 * backpressure treat it alike. Nothing is sent anywhere: there is no request to write.
 */
export class LocalFileLeg implements UpstreamLeg {
  private stream: ReadStream | undefined;
  private aborted = false;

  constructor(
    private readonly answer: LocalAnswer & { file: string },
    private readonly reporter: LegReporter,
  ) {}

  get serverResetCode(): number | undefined {
    return undefined;
  }

  open(): void {
    void this.serve();
  }

  write(): void {
    // The request body was read by the lifecycle before the answer: nothing goes anywhere.
  }

  end(): void {
    // As write.
  }

  pauseResponse(): void {
    this.stream?.pause();
  }

  resumeResponse(): void {
    this.stream?.resume();
  }

  finished(): void {
    this.stream?.destroy();
  }

  abort(): void {
    this.aborted = true;
    this.stream?.destroy();
  }

  private async serve(): Promise<void> {
    const { answer, reporter } = this;
    let size: number;
    try {
      const info = await stat(answer.file);
      if (!info.isFile()) throw Object.assign(new Error(`${answer.file} is not a file`), { code: 'EISDIR' });
      size = info.size;
    } catch (error) {
      reporter.handle({ type: 'upstreamError', error: error as Error });
      return;
    }
    if (this.aborted || reporter.settled) return;
    const stream = createReadStream(answer.file);
    this.stream = stream;
    stream.on('error', (error) => reporter.handle({ type: 'upstreamError', error }));
    stream.on('data', (chunk) => reporter.handle({ type: 'responseChunk', chunk: chunk as Buffer }));
    stream.on('end', () => reporter.handle({ type: 'responseEnd', rawTrailers: [] }));
    reporter.handle({
      type: 'responseHead',
      status: answer.status,
      statusText: answer.statusText,
      httpVersion: '1.1',
      rawHeaders: [...answer.rawHeaders, 'Content-Length', String(size)],
    });
  }
}
