/**
 * An engine-side failure with a stable code for the API's Result (`not_found`, `unsupported`,
 * `conflict`...). Handlers throw it; the dispatcher turns it into `{ok:false, error}`.
 * Any other Error carrying a lower-case `code` property is treated the same way.
 */
export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiFailure';
  }
}
