/**
 * A rule in a few words for the Rules view's list: what it matches (`host api.local, path /v1/*`)
 * and what it does (`latency 300 ± 50 ms; reset`), in the vocabulary of docs/rules.md.
 */
import type { RuleDefinition } from '../../../shared/rules';

export function matchSummary(rule: RuleDefinition): string {
  const m = rule.match;
  if (!m) return 'every request';
  const parts: string[] = [];
  if (m.method !== undefined) parts.push(m.method.toUpperCase());
  if (m.host !== undefined) parts.push(`host ${m.host}`);
  if (m.port !== undefined) parts.push(`port ${m.port}`);
  if (m.path !== undefined) parts.push(`path ${m.path}`);
  for (const [name, value] of Object.entries(m.header ?? {}))
    parts.push(value === '' || value === '*' ? `header ${name}` : `${name}: ${value}`);
  if (m.source !== undefined) parts.push(`from ${m.source}`);
  return parts.length > 0 ? parts.join(', ') : 'every request';
}

function faultSummary(fault: NonNullable<RuleDefinition['fault']>): string {
  switch (fault.type) {
    case 'reset':
      return fault.afterBytes !== undefined ? `reset after ${fault.afterBytes} bytes` : 'reset';
    case 'close':
      return 'close without a response';
    case 'timeout':
      return fault.closeAfterMs !== undefined
        ? `no answer, closed after ${fault.closeAfterMs} ms`
        : 'no answer';
    case 'fail':
      return `fail as ${fault.class}`;
    default:
      return 'fault';
  }
}

export function actionSummary(rule: RuleDefinition): string {
  const parts: string[] = [];
  if (rule.latency) {
    const jitter = rule.latency.jitterMs ? ` ± ${rule.latency.jitterMs}` : '';
    const where = rule.latency.where && rule.latency.where !== 'response' ? ` (${rule.latency.where})` : '';
    parts.push(`latency ${rule.latency.ms}${jitter} ms${where}`);
  }
  if (rule.bandwidth) {
    const { downKBps, upKBps } = rule.bandwidth;
    if (downKBps) parts.push(`${downKBps} KB/s down`);
    if (upKBps) parts.push(`${upKBps} KB/s up`);
  }
  if (rule.slice) parts.push(`slices of ${rule.slice.averageBytes} bytes`);
  if (rule.limitData) parts.push(`close after ${rule.limitData.bytes} bytes`);
  if (rule.slowClose) parts.push(`slow close ${rule.slowClose.delayMs} ms`);
  if (rule.fault) parts.push(faultSummary(rule.fault));
  if (rule.respond) parts.push(`respond ${rule.respond.status}`);
  if (rule.mapLocal !== undefined) parts.push(`map local ${rule.mapLocal}`);
  if (rule.block) parts.push('block');
  if (rule.rewrite?.url !== undefined) parts.push(`map remote ${rule.rewrite.url}`);
  if (rule.rewrite?.requestHeaders) parts.push('request headers');
  if (rule.rewrite?.responseHeaders) parts.push('response headers');
  if (rule.rewrite?.responseBody?.length) parts.push('response body');
  if (parts.length === 0) return 'no action';
  const odds =
    rule.probability !== undefined && rule.probability < 1
      ? ` (${Math.round(rule.probability * 1000) / 10} %)`
      : '';
  return parts.join('; ') + odds;
}
