/**
 * A system-proxy failure meant for the user: the message says what is wrong and what to do, in
 * one or two lines; `code` is the API's error code (shared/result.ts).
 */
export type SystemProxyErrorCode =
  /** No desktop whose proxy setting NetLens can change. */
  | 'system_proxy_unsupported'
  /** An OS command failed (reading, setting or restoring). */
  | 'system_proxy_failed'
  /** DATA/system-proxy.json cannot be used (corrupt, unreadable, another user's). */
  | 'system_proxy_journal'
  /** Another live NetLens process set it. */
  | 'system_proxy_busy'
  /** NetLens could not give the current setting back exactly, so it does not change it. */
  | 'system_proxy_refused'
  /** The proxy the OS would point at does not listen. */
  | 'system_proxy_not_listening';

export class SystemProxyError extends Error {
  override name = 'SystemProxyError';
  constructor(
    message: string,
    readonly code: SystemProxyErrorCode,
  ) {
    super(message);
  }
}
