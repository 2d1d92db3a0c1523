/**
 * Placeholder for the probe and monitor channels (probe:run, monitors:*). The probes work
 * replaces this file with the real handlers; until then these channels answer `unsupported`.
 */
import type { Engine } from '../engine.js';
import type { HandlerTable } from '../apiHandlers.js';

export function probeHandlers(_engine: Engine): Partial<HandlerTable> {
  return {};
}
