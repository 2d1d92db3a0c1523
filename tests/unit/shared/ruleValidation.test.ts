import { describe, expect, it } from 'vitest';
import { parseRulesText, problemsLine, validateRulesDocument } from '@shared/ruleValidation.js';
import { compileGlob } from '@shared/ruleGlob.js';
import { RULE_PRESETS } from '@shared/rulePresets.js';
import { ruleIdOf } from '@shared/rules.js';

function problems(rules: unknown[]): string[] {
  const checked = validateRulesDocument({ rules });
  return checked.ok ? [] : checked.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('rules validation', () => {
  it('accepts the documented example and every preset', () => {
    const example = {
      id: 'slow-api',
      name: 'Slow API',
      enabled: true,
      match: { host: 'api.local', path: '/v1/*', method: 'GET', header: { 'x-env': 'staging' } },
      probability: 1,
      latency: { ms: 300, jitterMs: 50, where: 'response' },
      bandwidth: { downKBps: 100, upKBps: 0 },
      rewrite: { requestHeaders: { set: {}, remove: [] }, responseHeaders: { set: {}, remove: [] } },
    };
    expect(problems([example])).toEqual([]);
    for (const preset of RULE_PRESETS) expect(problems(preset.rules), preset.label).toEqual([]);
  });

  it('names the JSON path and what is wrong', () => {
    expect(problems([{ name: 'x', latency: { ms: -5 } }])).toEqual([
      expect.stringMatching(/^rules\[0\]\.latency\.ms: -5 is out of range/),
    ]);
    expect(problems([{ name: 'x', probability: 2 }])[0]).toMatch(
      /^rules\[0\]\.probability: 2 is out of range/,
    );
    expect(problems([{ name: 'x', fault: { type: 'explode' } }])[0]).toMatch(/^rules\[0\]\.fault\.type/);
    expect(problems([{ name: 'x', fault: { type: 'fail', class: 'body_timeout' } }])[0]).toMatch(
      /^rules\[0\]\.fault\.class/,
    );
    expect(problems([{ name: 'x', spin: true }])).toEqual([
      expect.stringMatching(/^rules\[0\]\.spin: unknown key "spin"/),
    ]);
    expect(problems([{ name: 'x', match: { host: 'a[' } }])[0]).toMatch(
      /^rules\[0\]\.match\.host: the glob "a\[" cannot compile/,
    );
    expect(problems([{ latency: { ms: 1 } }])[0]).toMatch(/^rules\[0\]\.name/);
  });

  it('refuses actions that cannot all happen and duplicate ids', () => {
    expect(problems([{ name: 'x', respond: { status: 200 }, block: true }])[0]).toMatch(/both answer/);
    expect(problems([{ name: 'x', fault: { type: 'reset' }, respond: { status: 200 } }])[0]).toMatch(
      /^rules\[0\]\.fault: the fault acts before any answer/,
    );
    expect(problems([{ name: 'Same' }, { name: 'Same' }])[0]).toMatch(/^rules\[1\]\.id: the id "same"/);
  });

  it('parses text: malformed JSON is one problem at $', () => {
    const bad = parseRulesText('{"rules": [');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0]!.path).toBe('$');
    expect(parseRulesText('{"rules": []}').ok).toBe(true);
  });

  it('problemsLine: the first problem and how many more', () => {
    expect(
      problemsLine([
        { path: 'rules[0].a', message: 'bad' },
        { path: 'rules[1].b', message: 'worse' },
      ]),
    ).toMatch(/^rules\[0\]\.a: bad .*1 more problem/);
  });

  it('ids come from names', () => {
    expect(ruleIdOf({ name: 'Slow API!' }, 0)).toBe('slow-api');
    expect(ruleIdOf({ name: '***' }, 2)).toBe('rule-3');
    expect(ruleIdOf({ id: 'mine', name: 'x' }, 0)).toBe('mine');
  });
});

describe('rule globs', () => {
  const matches = (glob: string, text: string, ignoreCase = false): boolean => {
    const m = compileGlob(glob, ignoreCase);
    if (typeof m === 'string') throw new Error(m);
    return m(text);
  };
  it('* any run, ? one character, sets and alternatives', () => {
    expect(matches('/v1/*', '/v1/users/7')).toBe(true);
    expect(matches('/v1/*', '/v2/users')).toBe(false);
    expect(matches('api-?.local', 'api-1.local')).toBe(true);
    expect(matches('api-?.local', 'api-12.local')).toBe(false);
    expect(matches('[a-c]x', 'bx')).toBe(true);
    expect(matches('{api,cdn}.test', 'cdn.test')).toBe(true);
    expect(matches('API.test', 'api.TEST', true)).toBe(true);
    expect(matches('a.b', 'axb')).toBe(false);
  });
  it('says why a glob cannot compile', () => {
    expect(compileGlob('a[', false)).toMatch(/never closed/);
    expect(compileGlob('[z-a]', false)).toMatch(/backwards/);
    expect(compileGlob('a}', false)).toMatch(/closes nothing/);
  });
});
