/**
 * Ready-made rules for the common conditions (the Rules view's presets, docs/rules.md). Each
 * preset is one or more rules in the rules-file format; the user edits them after adding (the
 * black-holed host's match, say). Network figures follow Chrome DevTools' throttling profiles.
 */
import type { RuleDefinition } from './rules.js';

export interface RulePreset {
  id: string;
  label: string;
  description: string;
  rules: RuleDefinition[];
}

export const RULE_PRESETS: readonly RulePreset[] = [
  {
    id: '3g',
    label: '3G',
    description: 'Chrome DevTools\' "3G": 562 ms round trip, 180 KB/s down, 84 KB/s up',
    rules: [
      {
        name: '3G',
        latency: { ms: 562, where: 'response' },
        bandwidth: { downKBps: 180, upKBps: 84 },
      },
    ],
  },
  {
    id: 'flaky-mobile',
    label: 'Flaky mobile',
    description: '300 ± 200 ms latency, 100 KB/s down, 50 KB/s up, and 5 % of requests reset',
    rules: [
      {
        name: 'Flaky mobile: slow',
        continue: true,
        latency: { ms: 300, jitterMs: 200, where: 'response' },
        bandwidth: { downKBps: 100, upKBps: 50 },
      },
      { name: 'Flaky mobile: drops', probability: 0.05, fault: { type: 'reset' } },
    ],
  },
  {
    id: 'resets-10',
    label: '10 % resets',
    description: 'One request in ten is reset (TCP RST) before any response',
    rules: [{ name: '10 % resets', probability: 0.1, fault: { type: 'reset' } }],
  },
  {
    id: 'slow-dns',
    label: 'Slow DNS',
    description: 'Every new connection waits 2 s for its DNS lookup (host names only)',
    rules: [{ name: 'Slow DNS', latency: { ms: 2000, where: 'dns' } }],
  },
  {
    id: 'retry-after-503',
    label: '503 with Retry-After',
    description: 'Answers 503 Service Unavailable with Retry-After: 1, twice, then lets requests through',
    rules: [
      {
        name: '503 with Retry-After',
        times: 2,
        respond: {
          status: 503,
          headers: { 'Retry-After': '1', 'Content-Type': 'text/plain; charset=utf-8' },
          body: 'Service unavailable, retry after 1 s\n',
        },
      },
    ],
  },
  {
    id: 'black-hole',
    label: 'Black-holed host',
    description: 'Requests to one host get no answer at all: the client waits for its own timeout',
    rules: [
      {
        name: 'Black-holed host',
        match: { host: 'black-hole.example' },
        fault: { type: 'timeout' },
      },
    ],
  },
];
