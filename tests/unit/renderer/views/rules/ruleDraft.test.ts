import { describe, expect, it } from 'vitest';
import type { RuleDefinition } from '@shared/rules';
import {
  draftProblems,
  linesFromRecord,
  listFromText,
  numberFromText,
  problemFromEngineMessage,
  problemsByField,
  recordFromLines,
  uniqueRuleId,
  valueAt,
  withRuleDuplicated,
  withRuleMoved,
  withRulesAdded,
  withValueAt,
} from '@renderer/views/rules/ruleDraft';

const rules: RuleDefinition[] = [
  { id: 'a', name: 'A', latency: { ms: 10 } },
  { id: 'b', name: 'B', fault: { type: 'reset' } },
  { id: 'c', name: 'C', block: true },
];

describe('a draft edited by paths', () => {
  it('sets a nested value, keeps the rest, and drops objects left empty', () => {
    const draft = { name: 'x', latency: { ms: 5, where: 'request' }, extra: { keep: true } };
    const set = withValueAt(draft, 'latency.jitterMs', 2);
    expect(set).toEqual({
      name: 'x',
      latency: { ms: 5, where: 'request', jitterMs: 2 },
      extra: { keep: true },
    });
    expect(draft.latency).toEqual({ ms: 5, where: 'request' });
    expect(valueAt(set, 'latency.jitterMs')).toBe(2);
    const cleared = withValueAt(
      withValueAt(withValueAt(set, 'latency.ms', undefined), 'latency.where', undefined),
      'latency.jitterMs',
      undefined,
    );
    expect(cleared).toEqual({ name: 'x', extra: { keep: true } });
    expect(withValueAt({ name: 'x' }, 'rewrite.requestHeaders.remove', ['Cookie'])).toEqual({
      name: 'x',
      rewrite: { requestHeaders: { remove: ['Cookie'] } },
    });
  });

  it('turns typed text into values, keeping what is not a number for the validator to name', () => {
    expect(numberFromText(' 300 ')).toBe(300);
    expect(numberFromText('0.5')).toBe(0.5);
    expect(numberFromText('')).toBeUndefined();
    expect(numberFromText('fast')).toBe('fast');
    expect(recordFromLines('Retry-After: 1\n\nX-Env:  a:b \nX-Present')).toEqual({
      'Retry-After': '1',
      'X-Env': 'a:b',
      'X-Present': '',
    });
    expect(recordFromLines('  \n')).toBeUndefined();
    expect(linesFromRecord({ 'Retry-After': '1', 'X-A': 'b' })).toBe('Retry-After: 1\nX-A: b');
    expect(listFromText('Cookie, ,Authorization')).toEqual(['Cookie', 'Authorization']);
    expect(listFromText(' , ')).toBeUndefined();
  });
});

describe('problems of a draft', () => {
  it('are the engine validator’s, with paths relative to the rule, for the rule in its place', () => {
    expect(draftProblems(rules, 1, { name: 'B', latency: { ms: -5 } })).toEqual([
      { path: 'latency.ms', message: '-5 is out of range: expected milliseconds from 0 to 3600000' },
    ]);
    expect(
      draftProblems(rules, 3, { name: 'D', probability: 2, fault: { type: 'nope' } }).map((p) => p.path),
    ).toEqual(['probability', 'fault.type']);
    expect(draftProblems(rules, 1, { name: 'B', fault: { type: 'reset' } })).toEqual([]);
    // Another rule's id is a problem of this rule.
    expect(draftProblems(rules, 3, { id: 'a', name: 'D' })).toEqual([
      { path: 'id', message: 'the id "a" is also rules[0]\'s: give each rule its own id' },
    ]);
  });

  it('go under the longest field their path starts with; the rest under ""', () => {
    const byField = problemsByField(
      [
        { path: 'latency.ms', message: 'm1' },
        { path: 'match.header.X-A', message: 'm2' },
        { path: 'rewrite.responseBody[0].find', message: 'm3' },
        { path: 'id', message: 'm4' },
        { path: 'latency', message: 'm5' },
      ],
      ['latency', 'latency.ms', 'match', 'match.header', 'rewrite', 'rewrite.responseBody'],
    );
    expect(Object.fromEntries(byField)).toEqual({
      'latency.ms': ['m1'],
      'match.header': ['m2'],
      'rewrite.responseBody': ['m3'],
      '': ['m4'],
      latency: ['m5'],
    });
  });

  it('of the engine alone (a file that must exist) are read from its message', () => {
    const message = 'Rules file /d/rules.json: rules[2].mapLocal: no such file: x.json (and 1 more problem)';
    expect(problemFromEngineMessage(message, 2)).toEqual({
      path: 'mapLocal',
      message: 'no such file: x.json',
    });
    expect(problemFromEngineMessage(message, 0)).toBeUndefined();
    expect(problemFromEngineMessage('disconnected', 0)).toBeUndefined();
  });
});

describe('list edits', () => {
  it('give added and duplicated rules ids no other rule has', () => {
    expect(uniqueRuleId(rules, 'a')).toBe('a-2');
    expect(uniqueRuleId(rules, 'd')).toBe('d');
    const added = withRulesAdded(rules, [{ name: 'A' }, { name: 'A' }]);
    expect(added.map((r) => r.id)).toEqual(['a', 'b', 'c', 'a-2', 'a-3']);
    const copied = withRuleDuplicated(rules, 0);
    expect(copied.map((r) => [r.id, r.name])).toEqual([
      ['a', 'A'],
      ['a-copy', 'A (copy)'],
      ['b', 'B'],
      ['c', 'C'],
    ]);
    expect(copied[1]!.latency).toEqual({ ms: 10 });
    expect(copied[1]!.latency).not.toBe(rules[0]!.latency);
  });

  it('move a rule within the list', () => {
    expect(withRuleMoved(rules, 2, -1).map((r) => r.id)).toEqual(['a', 'c', 'b']);
    expect(withRuleMoved(rules, 0, -1).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(withRuleMoved(rules, 0, 5).map((r) => r.id)).toEqual(['b', 'c', 'a']);
  });
});
