/**
 * Placeholder for the analysis channels (diff:exchanges, retries:list). The analysis work
 * replaces this file with the real handlers; until then these channels answer `unsupported`.
 */
import type { Engine } from '../engine.js';
import type { HandlerTable } from '../apiHandlers.js';

export function analysisHandlers(_engine: Engine): Partial<HandlerTable> {
  return {};
}
