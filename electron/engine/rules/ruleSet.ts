/**
 * The rules in force, compiled: globs turned into matchers once, so that matching a request is a
 * few string comparisons per rule. `match` runs for every proxied request: with no enabled rule
 * it returns at once; otherwise it walks the rules in order, and the first one that matches and
 * wins its draw (probability) acts — and, if it says `continue`, lets later ones add actions.
 */
import http from 'node:http';
import type { RuleActionInfo } from '../../../shared/model.js';
import { compileGlob, type GlobMatcher } from '../../../shared/ruleGlob.js';
import { ruleIdOf, type RuleDefinition, type RuleFault } from '../../../shared/rules.js';
import { sourceKind } from '../../../shared/source.js';
import { formatDurationMs } from '../../../shared/format.js';
import type { ExchangeRulePlan, LocalAnswer } from './exchangeRulePlan.js';
import { describeHeaderEdit } from './headerEdits.js';
import { contentTypeOfFile } from './localFile.js';
import { jittered } from './pacer.js';

/** The request as rules see it: its head, before anything is changed. */
export interface RuleRequest {
  method: string;
  /** Host name without port or brackets. */
  host: string;
  port: number;
  /** Path and query, as in the request target. */
  path: string;
  /** `[name, value, ...]` as the client sent them. */
  rawHeaders: readonly string[];
  source?: string | undefined;
}

interface CompiledRule {
  id: string;
  definition: RuleDefinition;
  host?: GlobMatcher;
  path?: GlobMatcher;
  methods?: string[];
  port?: number;
  headers?: { name: string; value: GlobMatcher | undefined }[];
  source?: string;
}

function compileRule(rule: RuleDefinition, index: number): CompiledRule {
  const compiled: CompiledRule = { id: ruleIdOf(rule, index), definition: rule };
  const match = rule.match ?? {};
  const glob = (pattern: string, ignoreCase: boolean): GlobMatcher => {
    const matcher = compileGlob(pattern, ignoreCase);
    // Validated before compiling (ruleValidation.ts): a bad glob never gets here.
    if (typeof matcher === 'string') throw new Error(`glob "${pattern}": ${matcher}`);
    return matcher;
  };
  if (match.host !== undefined && match.host !== '*') compiled.host = glob(match.host, true);
  if (match.path !== undefined && match.path !== '*') compiled.path = glob(match.path, false);
  if (match.method !== undefined)
    compiled.methods = match.method.split(',').map((m) => m.trim().toUpperCase());
  if (match.port !== undefined) compiled.port = match.port;
  if (match.header) {
    compiled.headers = Object.entries(match.header).map(([name, value]) => ({
      name: name.toLowerCase(),
      value: value === '' || value === '*' ? undefined : glob(value, false),
    }));
  }
  if (match.source !== undefined) compiled.source = match.source.toLowerCase();
  return compiled;
}

function headerMatches(raw: readonly string[], name: string, value: GlobMatcher | undefined): boolean {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) {
      if (value === undefined || value(raw[i + 1]!)) return true;
    }
  }
  return false;
}

function pathWithoutQuery(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

function matches(rule: CompiledRule, request: RuleRequest): boolean {
  if (rule.port !== undefined && rule.port !== request.port) return false;
  if (rule.methods && !rule.methods.includes(request.method.toUpperCase())) return false;
  if (rule.host && !rule.host(request.host)) return false;
  if (rule.path && !rule.path(pathWithoutQuery(request.path))) return false;
  if (rule.source !== undefined) {
    const source = request.source;
    if (source === undefined) return false;
    if (rule.source.includes('#') ? source !== rule.source : sourceKind(source) !== rule.source) return false;
  }
  if (rule.headers) {
    for (const { name, value } of rule.headers)
      if (!headerMatches(request.rawHeaders, name, value)) return false;
  }
  return true;
}

function ms(value: number): string {
  return formatDurationMs(Math.round(value));
}

function describeFault(fault: RuleFault): string {
  switch (fault.type) {
    case 'reset':
      return fault.afterBytes === undefined
        ? 'reset before the response'
        : `reset after ${fault.afterBytes} body bytes`;
    case 'close':
      return 'close without a response';
    case 'timeout':
      return fault.closeAfterMs !== undefined
        ? `hold, send nothing, close after ${ms(fault.closeAfterMs)}`
        : 'hold, send nothing (timeout)';
    case 'fail':
      return `fail as ${fault.class}${fault.afterMs !== undefined ? ` after ${ms(fault.afterMs)}` : ''}`;
  }
}

function headerPairs(headers: Record<string, string> | undefined): string[] {
  const raw: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) raw.push(name, value);
  return raw;
}

function hasHeader(raw: readonly string[], name: string): boolean {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) return true;
  return false;
}

function localAnswer(
  status: number,
  statusText: string | undefined,
  headers: Record<string, string> | undefined,
  body: { text?: string; file?: string },
  method: string,
): LocalAnswer {
  const rawHeaders = headerPairs(headers);
  const bodiless = method.toUpperCase() === 'HEAD' || status === 204 || status === 304;
  const answer: LocalAnswer = {
    status,
    statusText: statusText ?? http.STATUS_CODES[status] ?? '',
    rawHeaders,
    bodiless,
  };
  if (body.file !== undefined) {
    answer.file = body.file;
    if (!hasHeader(rawHeaders, 'content-type')) rawHeaders.push('Content-Type', contentTypeOfFile(body.file));
    return answer;
  }
  const bytes = Buffer.from(body.text ?? '', 'utf8');
  if (!hasHeader(rawHeaders, 'content-type') && bytes.length > 0)
    rawHeaders.push('Content-Type', 'text/plain; charset=utf-8');
  if (!hasHeader(rawHeaders, 'content-length') && status !== 204 && status !== 304)
    rawHeaders.push('Content-Length', String(bytes.length));
  answer.body = bytes;
  return answer;
}

/** Adds one rule's actions to the plan: each kind of action is set by the first rule that has it. */
function addActions(
  plan: ExchangeRulePlan,
  rule: RuleDefinition,
  request: RuleRequest,
  random: () => number,
): string[] {
  const actions: string[] = [];
  const latency = rule.latency;
  if (latency) {
    const where = latency.where ?? 'response';
    const jitterMs = latency.jitterMs ?? 0;
    const asked = jitterMs > 0 ? ` (${ms(latency.ms)} ± ${ms(jitterMs)})` : '';
    if (where === 'request' && plan.requestDelayMs === 0) {
      plan.requestDelayMs = jittered(latency.ms, jitterMs, random);
      actions.push(`latency ${ms(plan.requestDelayMs)} before the request${asked}`);
    } else if (where === 'response' && plan.responseDelayMs === 0 && !plan.chunkLatency) {
      plan.responseDelayMs = jittered(latency.ms, jitterMs, random);
      actions.push(`latency ${ms(plan.responseDelayMs)} before the response${asked}`);
    } else if (where === 'chunks' && !plan.chunkLatency && plan.responseDelayMs === 0) {
      plan.chunkLatency = { ms: latency.ms, jitterMs };
      actions.push(`latency ${ms(latency.ms)}${jitterMs > 0 ? ` ± ${ms(jitterMs)}` : ''} per chunk`);
    } else if (where === 'dns' && plan.dnsDelayMs === 0) {
      plan.dnsDelayMs = jittered(latency.ms, jitterMs, random);
      actions.push(`DNS lookup ${ms(plan.dnsDelayMs)} slower (new connections)${asked}`);
    }
  }
  const bandwidth = rule.bandwidth;
  if (bandwidth) {
    const parts: string[] = [];
    if (bandwidth.downKBps && plan.downBytesPerMs === undefined) {
      plan.downBytesPerMs = bandwidth.downKBps;
      parts.push(`${bandwidth.downKBps} KB/s down`);
    }
    if (bandwidth.upKBps && plan.upBytesPerMs === undefined) {
      plan.upBytesPerMs = bandwidth.upKBps;
      parts.push(`${bandwidth.upKBps} KB/s up`);
    }
    if (parts.length > 0) actions.push(`bandwidth ${parts.join(', ')}`);
  }
  if (rule.slice && !plan.slice) {
    plan.slice = {
      averageBytes: rule.slice.averageBytes,
      variationBytes: rule.slice.variationBytes ?? 0,
      delayMs: rule.slice.delayMs ?? 0,
    };
    actions.push(`slice into ~${rule.slice.averageBytes}-byte pieces, ${ms(plan.slice.delayMs)} apart`);
  }
  if (rule.limitData && plan.limitDataBytes === undefined) {
    plan.limitDataBytes = rule.limitData.bytes;
    actions.push(`close after ${rule.limitData.bytes} body bytes`);
  }
  if (rule.slowClose && plan.slowCloseMs === 0) {
    plan.slowCloseMs = rule.slowClose.delayMs;
    actions.push(`hold the end ${ms(rule.slowClose.delayMs)} (slow close)`);
  }
  if (rule.fault && !plan.fault) {
    plan.fault = rule.fault;
    actions.push(describeFault(rule.fault));
  }
  if (!plan.answer && !plan.mapRemote) {
    if (rule.respond) {
      const { status, statusText, headers, body, bodyFile } = rule.respond;
      plan.answer = localAnswer(
        status,
        statusText,
        headers,
        bodyFile !== undefined ? { file: bodyFile } : { text: body ?? '' },
        request.method,
      );
      actions.push(`mock ${status}${bodyFile !== undefined ? ` from ${bodyFile}` : ''}`);
    } else if (rule.mapLocal !== undefined) {
      plan.answer = localAnswer(200, 'OK', undefined, { file: rule.mapLocal }, request.method);
      actions.push(`map local ${rule.mapLocal}`);
    } else if (rule.block) {
      plan.answer = localAnswer(
        403,
        'Forbidden',
        undefined,
        { text: `Blocked by NetLens rule "${rule.name}".\n` },
        request.method,
      );
      actions.push('block (403)');
    } else if (rule.rewrite?.url !== undefined) {
      plan.mapRemote = new URL(rule.rewrite.url);
      actions.push(`map remote → ${plan.mapRemote.href}`);
    }
  }
  const rewrite = rule.rewrite;
  if (rewrite?.requestHeaders && !plan.requestHeaders) {
    plan.requestHeaders = rewrite.requestHeaders;
    actions.push(`request headers: ${describeHeaderEdit(rewrite.requestHeaders)}`);
  }
  if (rewrite?.responseHeaders && !plan.responseHeaders) {
    plan.responseHeaders = rewrite.responseHeaders;
    actions.push(`response headers: ${describeHeaderEdit(rewrite.responseHeaders)}`);
  }
  if (rewrite?.responseBody && !plan.bodyReplacements) {
    plan.bodyReplacements = rewrite.responseBody;
    actions.push(
      `replace ${rewrite.responseBody.map((r) => `${JSON.stringify(r.find)} → ${JSON.stringify(r.replace)}`).join(', ')} in the response body`,
    );
  }
  return actions;
}

export class RuleSet {
  private readonly compiled: CompiledRule[];
  /** How many exchanges each rule acted on, by id. */
  readonly hits = new Map<string, number>();

  constructor(
    readonly rules: readonly RuleDefinition[],
    private readonly random: () => number = Math.random,
  ) {
    this.compiled = rules.map(compileRule).filter((rule) => rule.definition.enabled !== false);
  }

  /** No enabled rule: the proxy skips matching altogether. */
  get empty(): boolean {
    return this.compiled.length === 0;
  }

  /** What the rules do to this request, or undefined when none acts. */
  match(request: RuleRequest): ExchangeRulePlan | undefined {
    const compiled = this.compiled;
    let plan: ExchangeRulePlan | undefined;
    for (let i = 0; i < compiled.length; i += 1) {
      const rule = compiled[i]!;
      if (!matches(rule, request)) continue;
      const { definition } = rule;
      if (definition.times !== undefined && (this.hits.get(rule.id) ?? 0) >= definition.times) continue;
      // A rule that loses its draw stands aside, as if it had not matched (toxiproxy's toxicity).
      const probability = definition.probability ?? 1;
      if (probability < 1 && !(this.random() < probability)) continue;
      this.hits.set(rule.id, (this.hits.get(rule.id) ?? 0) + 1);
      if (!plan) {
        plan = {
          info: { ruleId: rule.id, ruleName: definition.name, actions: [] },
          ruleName: definition.name,
          requestDelayMs: 0,
          dnsDelayMs: 0,
          responseDelayMs: 0,
          slowCloseMs: 0,
          random: this.random,
        };
        plan.info.actions.push(...addActions(plan, definition, request, this.random));
      } else {
        const info: RuleActionInfo = plan.info;
        (info.alsoRules ??= []).push({ ruleId: rule.id, ruleName: definition.name });
        for (const action of addActions(plan, definition, request, this.random))
          info.actions.push(`${definition.name}: ${action}`);
      }
      if (definition.continue !== true) break;
    }
    return plan;
  }
}
