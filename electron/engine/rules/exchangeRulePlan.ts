import type { RuleActionInfo } from '../../../shared/model.js';
import type { BodyReplacement, HeaderEdit, RuleFault } from '../../../shared/rules.js';

/** An answer NetLens gives itself instead of going upstream (a mock, map local, block). */
export interface LocalAnswer {
  status: number;
  statusText: string;
  /** The head as sent (Content-Type, Content-Length included where NetLens knows them). */
  rawHeaders: string[];
  /** The body in memory... */
  body?: Buffer;
  /** ...or a file to stream (its Content-Length and, if not given, Content-Type come from the file). */
  file?: string;
  /** HEAD, 204, 304: the head only. */
  bodiless: boolean;
}

/**
 * What the rules that matched one exchange do to it, decided once on `start` (the delays with
 * their jitter already drawn). The exchange lifecycle carries it out; the socket adapter applies
 * the request-side rewrites (head, target) before anything goes upstream.
 */
export interface ExchangeRulePlan {
  /** For the record: `_netlens.rule`. */
  info: RuleActionInfo;
  /** The rule named in an injected failure's message. */
  ruleName: string;
  /** Held this long before going upstream (or answering). */
  requestDelayMs: number;
  /** A new connection's DNS lookup answers this much later. */
  dnsDelayMs: number;
  /** The response head is held this long. */
  responseDelayMs: number;
  /** Each response chunk (and the head) is held this long ± jitter. */
  chunkLatency?: { ms: number; jitterMs: number };
  /** Response / request body rate, bytes per millisecond (= KB/s). */
  downBytesPerMs?: number;
  upBytesPerMs?: number;
  slice?: { averageBytes: number; variationBytes: number; delayMs: number };
  /** The connection is closed after this many response body bytes. */
  limitDataBytes?: number;
  /** The end of the response is held this long. */
  slowCloseMs: number;
  fault?: RuleFault;
  /** Answered by NetLens itself. */
  answer?: LocalAnswer;
  requestHeaders?: HeaderEdit;
  responseHeaders?: HeaderEdit;
  /** Map remote: where the request goes instead. */
  mapRemote?: URL;
  bodyReplacements?: BodyReplacement[];
  /** Random source for the per-chunk jitter and slicing (0 ≤ x < 1). */
  random: () => number;
}

/** Whether the response goes through the lifecycle's shaping queue rather than straight through. */
export function shapesResponse(plan: ExchangeRulePlan): boolean {
  return (
    plan.responseDelayMs > 0 ||
    plan.chunkLatency !== undefined ||
    (plan.downBytesPerMs !== undefined && plan.downBytesPerMs > 0) ||
    plan.slice !== undefined ||
    plan.limitDataBytes !== undefined ||
    plan.slowCloseMs > 0 ||
    plan.responseHeaders !== undefined ||
    plan.bodyReplacements !== undefined ||
    (plan.fault !== undefined && cutsResponse(plan.fault))
  );
}

/** A fault that acts on the response after its head (the others act before anything goes upstream). */
export function cutsResponse(fault: RuleFault): boolean {
  return (
    (fault.type === 'reset' && fault.afterBytes !== undefined) ||
    (fault.type === 'fail' && fault.class === 'incomplete_response')
  );
}
