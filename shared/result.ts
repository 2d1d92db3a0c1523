/** Result of an API call. Electron passes only an error's message across IPC, so failures travel as data. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface ApiError {
  /** Stable machine-readable code, e.g. `bad_argument`, `not_found`, `io_error`. */
  code: string;
  message: string;
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: string, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}
