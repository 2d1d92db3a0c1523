import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import {
  BodyCapture,
  SpillBudget,
  releaseSpill,
  type BodyCaptureOptions,
  type CapturedBody,
} from './bodyCapture.js';

/**
 * Where the bodies of recorded exchanges are captured: small ones stay in memory, large ones
 * live in `<dataDir>/bodies/<run>/` (one folder per engine run, removed on clear and close;
 * folders left behind by runs that died are removed at the next start). The captured bodies
 * are kept by the ExchangeStore, beside their exchanges (see StoredBody).
 */
export class BodyStore {
  readonly runDir: string;
  private fileCounter = 0;
  private dirReady = false;
  /** Shared by every capture while the limits stay the same: no options object per body. */
  private captureOptions: BodyCaptureOptions | undefined;

  /** The spill folder's byte budget (settings: spillBudgetBytes), shared by every capture. */
  readonly spillBudget: SpillBudget;

  constructor(
    private readonly dataDir: string,
    private readonly limits: () => Pick<BodyCaptureOptions, 'memoryLimitBytes' | 'capBytes'> & {
      spillBudgetBytes?: number;
    },
  ) {
    this.runDir = path.join(dataDir, 'bodies', `${process.pid}-${Date.now().toString(36)}`);
    this.spillBudget = new SpillBudget(() => this.limits().spillBudgetBytes ?? 0);
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
      options = { memoryLimitBytes, capBytes, spillPath: this.nextSpillPath, spillBudget: this.spillBudget };
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

  async clear(): Promise<void> {
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
export type StoredBody = Buffer | CapturedBody;

export function compactBody(body: CapturedBody): StoredBody {
  return body.storage === 'memory' &&
    body.alreadyDecoded !== true &&
    !body.truncated &&
    body.capturedBytes === body.sizeBytes &&
    body.bytes.length === body.sizeBytes
    ? body.bytes
    : body;
}

export function expandBody(body: StoredBody | undefined): CapturedBody | undefined {
  if (!Buffer.isBuffer(body)) return body;
  const size = body.length;
  return { storage: 'memory', bytes: body, sizeBytes: size, capturedBytes: size, truncated: false };
}

/** The captured bytes; undefined when nothing was captured or a spilled file vanished. */
export async function readStoredBody(body: StoredBody | undefined): Promise<Buffer | undefined> {
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return body;
  if (body.storage === 'memory') return body.bytes;
  const file = body.path;
  try {
    if (body.offset === undefined) return await fsp.readFile(file);
    const handle = await fsp.open(body.path, 'r');
    try {
      const bytes = Buffer.alloc(body.capturedBytes);
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, body.offset);
      return bytesRead === bytes.length ? bytes : bytes.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    // Moved into a session while it was being opened: read it where it is now.
    return body.path !== file ? readStoredBody(body) : undefined;
  }
}

/** Removes a spilled body's file (in the background); nothing to do for one in memory. */
export function removeStoredBody(body: StoredBody | undefined): void {
  if (
    body !== undefined &&
    !Buffer.isBuffer(body) &&
    body.storage === 'file' &&
    body.offset === undefined &&
    body.retained !== true
  ) {
    releaseSpill(body);
    fs.rm(body.path, { force: true }, () => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
