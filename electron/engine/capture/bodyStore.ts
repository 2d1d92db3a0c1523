import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { BodySide } from '../../../shared/model.js';
import { BodyCapture, type BodyCaptureOptions, type CapturedBody } from './bodyCapture.js';

/**
 * Bodies of recorded exchanges, kept out of the exchange objects. Small ones stay in memory,
 * large ones live in `<dataDir>/bodies/<run>/` (one folder per engine run, removed on clear and
 * close; folders left behind by runs that died are removed at the next start).
 */
export class BodyStore {
  readonly runDir: string;
  private readonly bodies = {
    request: new Map<string, StoredBody>(),
    response: new Map<string, StoredBody>(),
  };
  private fileCounter = 0;
  private dirReady = false;
  /** Shared by every capture while the limits stay the same: no options object per body. */
  private captureOptions: BodyCaptureOptions | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly limits: () => Pick<BodyCaptureOptions, 'memoryLimitBytes' | 'capBytes'>,
  ) {
    this.runDir = path.join(dataDir, 'bodies', `${process.pid}-${Date.now().toString(36)}`);
  }

  /** Removes run folders whose process is gone (a crash or a kill skipped their cleanup). */
  async removeStaleRuns(): Promise<void> {
    const root = path.join(this.dataDir, 'bodies');
    let entries: string[];
    try {
      entries = await fsp.readdir(root);
    } catch {
      return;
    }
    await Promise.all(
      entries.map(async (entry) => {
        const pid = Number.parseInt(entry.split('-')[0] ?? '', 10);
        if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) return;
        await fsp.rm(path.join(root, entry), { recursive: true, force: true }).catch(() => undefined);
      }),
    );
  }

  /** A new capture for one side of an exchange; hand its result to `put`. */
  open(): BodyCapture {
    const { memoryLimitBytes, capBytes } = this.limits();
    let options = this.captureOptions;
    if (options?.memoryLimitBytes !== memoryLimitBytes || options.capBytes !== capBytes) {
      options = { memoryLimitBytes, capBytes, spillPath: this.nextSpillPath };
      this.captureOptions = options;
    }
    return new BodyCapture(options);
  }

  /** One function for every capture (most never spill): no closure per exchange. */
  private readonly nextSpillPath = (): string => {
    if (!this.dirReady) {
      fs.mkdirSync(this.runDir, { recursive: true, mode: 0o700 });
      this.dirReady = true;
    }
    this.fileCounter += 1;
    return path.join(this.runDir, `${this.fileCounter}.body`);
  };

  put(exchangeId: string, side: BodySide, body: CapturedBody): void {
    const map = this.bodies[side];
    const previous = map.get(exchangeId);
    if (previous) removeFile(previous);
    map.set(exchangeId, compactBody(body));
  }

  has(exchangeId: string, side: BodySide): boolean {
    return this.bodies[side].has(exchangeId);
  }

  get(exchangeId: string, side: BodySide): CapturedBody | undefined {
    return expandBody(this.bodies[side].get(exchangeId));
  }

  /** The captured bytes; undefined when nothing was captured or a spilled file vanished. */
  async read(exchangeId: string, side: BodySide): Promise<Buffer | undefined> {
    const body = this.bodies[side].get(exchangeId);
    if (!body) return undefined;
    if (Buffer.isBuffer(body)) return body;
    if (body.storage === 'memory') return body.bytes;
    try {
      return await fsp.readFile(body.path);
    } catch {
      return undefined;
    }
  }

  delete(exchangeId: string): void {
    // Called for every evicted exchange once the store is full: one lookup per side that holds
    // nothing (most requests have no body), and no array of sides per call.
    this.deleteSide(this.bodies.request, exchangeId);
    this.deleteSide(this.bodies.response, exchangeId);
  }

  private deleteSide(map: Map<string, StoredBody>, exchangeId: string): void {
    const body = map.get(exchangeId);
    if (!body) return;
    removeFile(body);
    map.delete(exchangeId);
  }

  async clear(): Promise<void> {
    this.bodies.request.clear();
    this.bodies.response.clear();
    this.dirReady = false;
    await fsp.rm(this.runDir, { recursive: true, force: true }).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.clear();
  }
}

/**
 * A body as kept: most are whole, in memory and still encoded, and are kept as their bytes alone
 * (no record per stored exchange for the collector to trace); the others as their record.
 */
type StoredBody = Buffer | CapturedBody;

function compactBody(body: CapturedBody): StoredBody {
  return body.storage === 'memory' &&
    body.alreadyDecoded !== true &&
    !body.truncated &&
    body.capturedBytes === body.sizeBytes &&
    body.bytes.length === body.sizeBytes
    ? body.bytes
    : body;
}

function expandBody(body: StoredBody | undefined): CapturedBody | undefined {
  if (!Buffer.isBuffer(body)) return body;
  const size = body.length;
  return { storage: 'memory', bytes: body, sizeBytes: size, capturedBytes: size, truncated: false };
}

function removeFile(body: StoredBody): void {
  if (!Buffer.isBuffer(body) && body.storage === 'file') fs.rm(body.path, { force: true }, () => undefined);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
