/**
 * What gRPC servers' reflection said, per origin and service: a schema kept for a while (a
 * server that is redeployed may change its messages), a failure remembered briefly (so a server
 * without reflection is not asked again for every call), and one request in flight per key.
 */
import type { ProtoSchema } from '../../../shared/protoSchema.js';
import type { FileDescriptorBytes } from './protoDescriptors.js';
import { schemaOfFileDescriptors } from './protoDescriptors.js';

export type ReflectionOutcome =
  | { ok: true; origin: string; schema: ProtoSchema; unresolved: string[] }
  | { ok: false; origin: string; reason: string };

/** Where to ask: `key` tells origins apart (scheme, host, port, certificate checking). */
export interface ReflectionOrigin {
  key: string;
  /** `host:port`, as the UI names it. */
  label: string;
}

export interface ReflectionCacheOptions<O extends ReflectionOrigin> {
  fetch(origin: O, service: string): Promise<FileDescriptorBytes[]>;
  nowMs?: () => number;
  /** How long a schema is kept. */
  schemaTtlMs?: number;
  /** How long a failure is remembered. */
  failureTtlMs?: number;
}

const SCHEMA_TTL_MS = 10 * 60_000;
const FAILURE_TTL_MS = 30_000;
/** Origin × service pairs kept; the oldest go first. */
const MAX_ENTRIES = 512;

interface Entry {
  outcome: ReflectionOutcome;
  expiresAtMs: number;
}

export class GrpcReflectionCache<O extends ReflectionOrigin = ReflectionOrigin> {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<ReflectionOutcome>>();

  constructor(private readonly options: ReflectionCacheOptions<O>) {}

  private now(): number {
    return this.options.nowMs?.() ?? Date.now();
  }

  /** What is known without asking (a fresh schema or failure), else undefined. */
  peek(origin: O, service: string): ReflectionOutcome | undefined {
    const key = `${origin.key} ${service}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.outcome;
  }

  /** The server's schema for `service`, asking it when nothing fresh is known. Never rejects. */
  lookup(origin: O, service: string): Promise<ReflectionOutcome> {
    const known = this.peek(origin, service);
    if (known) return Promise.resolve(known);
    const key = `${origin.key} ${service}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const asked = this.ask(origin, service).then((outcome) => {
      this.inFlight.delete(key);
      this.entries.delete(key);
      this.entries.set(key, {
        outcome,
        expiresAtMs:
          this.now() +
          (outcome.ok
            ? (this.options.schemaTtlMs ?? SCHEMA_TTL_MS)
            : (this.options.failureTtlMs ?? FAILURE_TTL_MS)),
      });
      while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      return outcome;
    });
    this.inFlight.set(key, asked);
    return asked;
  }

  clear(): void {
    this.entries.clear();
  }

  private async ask(origin: O, service: string): Promise<ReflectionOutcome> {
    try {
      const files = await this.options.fetch(origin, service);
      const { schema, unresolved } = schemaOfFileDescriptors(files);
      if (!Object.keys(schema.methods).some((method) => method.startsWith(`${service}/`)))
        return { ok: false, origin: origin.label, reason: `its reflection does not describe ${service}` };
      return { ok: true, origin: origin.label, schema, unresolved };
    } catch (error) {
      return {
        ok: false,
        origin: origin.label,
        reason: error instanceof Error ? error.message : String(error),
      };
    }
  }
}
