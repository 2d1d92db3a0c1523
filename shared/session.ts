/**
 * A saved capture session (docs/sessions.md): every capture is written to
 * `DATA/sessions/ID/` as exchanges finish, and can be listed, reopened, exported and removed.
 */
export interface SessionSummary {
  /** e.g. `20261207-115310-k3f9` (its start, UTC, and a random suffix). */
  id: string;
  startedAtMs: number;
  /** Absent while the session is recorded, or when the process recording it died. */
  endedAtMs?: number;
  /** Exchanges in the session (as of its last update on disk: a second or two behind a live one). */
  exchanges: number;
  /** Bytes on disk. */
  bytes: number;
  /** Exchanges retention dropped from it (its oldest), when any. */
  droppedExchanges?: number;
  /** A NetLens process is recording it now. */
  live?: boolean;
  /** It is the session this NetLens records into. */
  current?: boolean;
}
