/** Sent in the probe's User-Agent. Kept in step with the CLI's version by hand (no JSON import in the engine bundle). */
export const VERSION = '0.1.0';
