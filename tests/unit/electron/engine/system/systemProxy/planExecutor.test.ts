import { describe, expect, it } from 'vitest';
import { applyPlan, PlanFailure, runRestorePlan } from '@engine/system/systemProxy/planExecutor.js';
import {
  planChange,
  restoreTarget,
  sameValue,
  type SettingsWriter,
} from '@engine/system/systemProxy/settingsPlan.js';
import type { CommandRunner, SystemCommand } from '@engine/system/systemProxy/systemCommand.js';

/** A key-value store behind `set KEY VALUE` commands; `fail` names keys whose set fails. */
function store(initial: Record<string, string>, fail: (key: string, value: string) => boolean = () => false) {
  const values = { ...initial };
  const calls: string[] = [];
  const run: CommandRunner = async (command: SystemCommand) => {
    calls.push(command.args.join(' '));
    if (command.file === 'notify') return { stdout: '', stderr: 'no bus', code: 1 };
    const [, key, value] = command.args as [string, string, string];
    if (fail(key, value)) return { stdout: '', stderr: `cannot set ${key}`, code: 1 };
    values[key] = value;
    return { stdout: '', stderr: '', code: 0 };
  };
  return { values, calls, run };
}

const writer: SettingsWriter = {
  order: (keys) => ['a', 'b', 'c', 'switch'].filter((k) => keys.includes(k)),
  commandsFor: (key, _from, to) => [{ file: 'tool', args: ['set', key, String(to)] }],
  describeKey: (key) => `setting ${key}`,
  notify: [{ file: 'notify', args: ['changed'] }],
};

const before = { a: '1', b: '2', c: '3', switch: 'off' };
const after = { a: '10', b: '2', c: '30', switch: 'on' };

describe('plans', () => {
  it('one step per changed key, the switch last when applying and first when restoring', () => {
    const apply = planChange(writer, before, after, 'apply');
    expect(apply.steps.map((s) => s.setting)).toEqual(['setting a', 'setting c', 'setting switch']);
    expect(apply.steps[0]!.undo).toEqual([{ file: 'tool', args: ['set', 'a', '1'] }]);
    expect(planChange(writer, after, before, 'restore').steps.map((s) => s.setting)).toEqual([
      'setting switch',
      'setting c',
      'setting a',
    ]);
    expect(planChange(writer, before, before, 'apply')).toEqual({ steps: [], notify: [] });
  });

  it("restores only keys still holding what NetLens applied; someone else's change stays", () => {
    const current = { a: '10', b: '2', c: 'user changed this', switch: 'on' };
    const { target, changedSince } = restoreTarget(current, after, before);
    expect(target).toEqual({ a: '1', b: '2', c: 'user changed this', switch: 'off' });
    expect(changedSince).toEqual(['c']);
    // A crash midway: c was never applied, it still has its previous value.
    expect(restoreTarget({ ...before, a: '10' }, after, before)).toEqual({
      target: before,
      changedSince: [],
    });
  });

  it('compares values structurally (object field order does not matter)', () => {
    expect(sameValue({ x: 1, y: ['a'] }, { y: ['a'], x: 1 })).toBe(true);
    expect(sameValue(null, '')).toBe(false);
    expect(sameValue(['a', 'b'], ['b', 'a'])).toBe(false);
  });
});

describe('applyPlan: all or nothing', () => {
  it('runs every step, then notifies; a failed notification is a warning', async () => {
    const s = store(before);
    const run = await applyPlan(planChange(writer, before, after, 'apply'), s.run);
    expect(s.values).toEqual(after);
    expect(run.warnings).toEqual([expect.stringMatching(/not told of the change.*no bus/)]);
  });

  it('a failure midway undoes the steps already done, newest first: nothing is left half-set', async () => {
    const s = store(before, (key, value) => key === 'c' && value === '30');
    const failure = await applyPlan(planChange(writer, before, after, 'apply'), s.run).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(PlanFailure);
    expect((failure as PlanFailure).message).toBe(
      'Could not set setting c: `tool` exited with 1: cannot set c. Everything NetLens had changed was put back.',
    );
    expect((failure as PlanFailure).undone).toBe(true);
    expect(s.values).toEqual(before);
    expect(s.calls).toEqual(['set a 10', 'set c 30', 'set a 1', 'changed']);
  });

  it('a failure at the first step changes nothing', async () => {
    const s = store(before, (key) => key === 'a');
    await expect(applyPlan(planChange(writer, before, after, 'apply'), s.run)).rejects.toThrow(
      /Nothing was changed\./,
    );
    expect(s.calls).toEqual(['set a 10']);
  });

  it('says so when putting back fails too', async () => {
    const s = store(
      before,
      (key, value) => (key === 'c' && value === '30') || (key === 'a' && value === '1'),
    );
    const failure = (await applyPlan(planChange(writer, before, after, 'apply'), s.run).catch(
      (e: unknown) => e,
    )) as PlanFailure;
    expect(failure.undone).toBe(false);
    expect(failure.undoFailures).toEqual(['setting a: `tool` exited with 1: cannot set a']);
    expect(failure.message).toMatch(/Putting back failed too/);
  });
});

describe('runRestorePlan: as much as possible', () => {
  it('tries every step even when one fails, and reports the failures', async () => {
    const s = store(after, (key) => key === 'c');
    const run = await runRestorePlan(planChange(writer, after, before, 'restore'), s.run);
    expect(run.failures).toEqual(['setting c: `tool` exited with 1: cannot set c']);
    expect(s.values).toEqual({ a: '1', b: '2', c: '30', switch: 'off' });
  });
});
