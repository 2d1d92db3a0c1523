import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { BodyInfo, Exchange } from '../../../shared/model.js';
import type { BodyCapture, CapturedBody } from './bodyCapture.js';
import { decodedSize, isDecodableEncoding } from './bodyDecoder.js';
import type { ExchangeBodies, ExchangeStore } from './exchangeStore.js';

export interface CapturedBodies {
  request?: BodyCapture;
  response?: BodyCapture;
}

/**
 * Ends an exchange's body captures and hands the exchange to the store. In-memory bodies without
 * a content coding (most exchanges) take the synchronous path: no promise per exchange. The
 * others are ended (spill files closed, decoded sizes measured) in the background; `idle()`
 * waits for them.
 */
export class ExchangeFinisher {
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly store: ExchangeStore,
    /** Told when storing a body failed; the exchange itself is still reported. */
    private readonly warn: (message: string) => void,
  ) {}

  finished(exchange: Exchange, bodies: CapturedBodies): void {
    if (this.finishNow(exchange, bodies)) return;
    const done = this.finish(exchange, bodies).catch((error: unknown) => {
      this.warn(`Could not store a body: ${(error as Error).message}`);
      this.store.finished(exchange);
    });
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }

  /** Resolves once every exchange handed over so far is stored. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private finishNow(exchange: Exchange, bodies: CapturedBodies): boolean {
    const { request, response } = bodies;
    if (request && !endsInMemory(request, exchange.request.body)) return false;
    if (response && !endsInMemory(response, exchange.response?.body)) return false;
    const requestBody = request?.endInMemory();
    const responseBody = response?.endInMemory();
    // The recorder is settled: it never changes the exchange again, so the store keeps it as is.
    this.store.finished(exchange, {
      adopt: true,
      bodies: requestBody || responseBody ? { request: requestBody, response: responseBody } : undefined,
    });
    return true;
  }

  private async finish(exchange: Exchange, bodies: CapturedBodies): Promise<void> {
    const stored: ExchangeBodies = {};
    for (const side of ['request', 'response'] as const) {
      const capture = bodies[side];
      if (!capture) continue;
      const captured = await capture.end();
      stored[side] = captured;
      const info = side === 'request' ? exchange.request.body : exchange.response?.body;
      // The spill may have failed after the exchange ended: the record says what the file holds.
      if (info) keepFinalCapture(info, captured);
      if (!info || captured.truncated || captured.capturedBytes === 0) continue;
      if (!isDecodableEncoding(info.contentEncoding)) continue;
      const source = (): Readable =>
        captured.storage === 'memory' ? Readable.from([captured.bytes]) : fs.createReadStream(captured.path);
      const size = await decodedSize(source, info.contentEncoding);
      if (size !== undefined) info.decodedSizeBytes = size;
    }
    this.store.finished(exchange, { adopt: true, bodies: stored });
  }
}

function keepFinalCapture(info: BodyInfo, captured: CapturedBody): void {
  info.capturedBytes = captured.capturedBytes;
  info.truncated = captured.truncated;
  if (captured.truncatedReason) info.truncatedReason = captured.truncatedReason;
}

/** In memory and nothing to decode: the capture can end synchronously. */
function endsInMemory(capture: BodyCapture, info: BodyInfo | undefined): boolean {
  return (
    capture.inMemory && !(info && capture.capturedBytes > 0 && isDecodableEncoding(info.contentEncoding))
  );
}
