import type { Exchange } from '../../../../shared/model.js';

/**
 * Where a body of a journaled exchange is: a slice of its segment's blob (`s`egment, `o`ffset,
 * le`n`gth; `d` when the bytes are already decoded, as HAR bodies are), or a file of its own
 * under the session folder (`f`, relative), for the large bodies spilled during capture.
 */
export type BodyRef = { s: number; o: number; n: number; d?: 1 } | { f: string; n: number };

/**
 * One journal record: a finished exchange as it is (`e`: every field, known to this version or
 * not) with its bodies, or a later change to one (`u`: retry tags, trace ids set by analysis).
 */
export type SessionRecord =
  | { t: 'x'; e: Exchange; b?: { request?: BodyRef; response?: BodyRef } }
  | { t: 'u'; id: string; p: Partial<Exchange> };

export function parseRecord(payload: Buffer): SessionRecord | undefined {
  try {
    const value = JSON.parse(payload.toString('utf8')) as SessionRecord;
    if (value && value.t === 'x' && typeof value.e === 'object' && typeof value.e?.id === 'string')
      return value;
    if (value && value.t === 'u' && typeof value.id === 'string' && typeof value.p === 'object') return value;
    return undefined;
  } catch {
    return undefined;
  }
}
