// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { RuleDefinition, RulesState } from '@shared/rules';
import { RULE_PRESETS } from '@shared/rulePresets';
import { makeExchange } from '@fixtures/exchangeFactory';

/** What rules:save was given, in order; the engine's answer is the rules as saved. */
const saved: RuleDefinition[][] = [];
let saveFailure: Error | undefined;
vi.mock('@renderer/api', () => ({
  call: vi.fn(async (channel: string, ...args: unknown[]) => {
    if (channel === 'rules:save') {
      if (saveFailure) throw saveFailure;
      const rules = args[0] as RuleDefinition[];
      saved.push(rules);
      return { rules, file: '/data/rules.json', hits: {} } satisfies RulesState;
    }
    if (channel === 'rules:get') return { rules: [], hits: { slow: 7 } } satisfies RulesState;
    throw new Error(`unexpected ${channel}`);
  }),
}));

const { RulesView } = await import('@renderer/views/rules/RulesView');
const { useStore } = await import('@renderer/store');

const SLOW: RuleDefinition = { id: 'slow', name: 'Slow', latency: { ms: 300 } };
const FLAKY: RuleDefinition = { id: 'flaky', name: 'Flaky', probability: 0.1, fault: { type: 'reset' } };

beforeEach(() => {
  useStore
    .getState()
    .setRulesState({ rules: [SLOW, FLAKY], file: '/data/rules.json', hits: { slow: 0, flaky: 0 } });
});

afterEach(() => {
  cleanup();
  saved.length = 0;
  saveFailure = undefined;
  useStore.setState({ rulesState: undefined, tcpProxies: [] });
  vi.spyOn(window, 'confirm').mockRestore();
});

describe('RulesView', () => {
  it('lists the rules in order with what they match and do, and their counts from the engine', async () => {
    render(<RulesView />);
    const items = screen.getAllByRole('listitem');
    expect(items.map((li) => li.getAttribute('aria-label'))).toEqual(['Rule Slow', 'Rule Flaky']);
    expect(items[1]!.textContent).toContain('every request → reset (10 %)');
    // The counts are asked for when the view opens; only the counts are taken from the answer.
    await vi.waitFor(() => expect(within(items[0]!).getByTitle(/acted on/).textContent).toBe('7'));
    expect(useStore.getState().rulesState?.rules).toHaveLength(2);
  });

  it('switches a rule off, moves, duplicates and deletes through rules:save', async () => {
    render(<RulesView />);
    fireEvent.click(screen.getByRole('switch', { name: 'Enable Flaky' }));
    await vi.waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]![1]).toEqual({ ...FLAKY, enabled: false });
    fireEvent.click(await screen.findByRole('button', { name: 'Move Flaky up' }));
    await vi.waitFor(() => expect(saved).toHaveLength(2));
    expect(saved[1]!.map((r) => r.id)).toEqual(['flaky', 'slow']);
    fireEvent.click(await screen.findByRole('button', { name: 'Duplicate Slow' }));
    await vi.waitFor(() => expect(saved).toHaveLength(3));
    expect(saved[2]!.map((r) => r.id)).toEqual(['flaky', 'slow', 'slow-copy']);
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete Slow (copy)' }));
    await vi.waitFor(() => expect(saved).toHaveLength(4));
    expect(saved[3]!.map((r) => r.id)).toEqual(['flaky', 'slow']);
  });

  it('adds a preset in one step, with ids of its own', async () => {
    render(<RulesView />);
    fireEvent.change(screen.getByRole('combobox', { name: 'Add a preset' }), {
      target: { value: 'flaky-mobile' },
    });
    await vi.waitFor(() => expect(saved).toHaveLength(1));
    const preset = RULE_PRESETS.find((p) => p.id === 'flaky-mobile')!;
    expect(saved[0]!.slice(2).map((r) => r.name)).toEqual(preset.rules.map((r) => r.name));
    expect(saved[0]!.slice(2).map((r) => r.id)).toEqual(['flaky-mobile-slow', 'flaky-mobile-drops']);
  });

  it('shows the validator’s problem under its field and saves nothing until it is fixed', async () => {
    render(<RulesView />);
    fireEvent.click(screen.getByRole('button', { name: 'New rule' }));
    const form = screen.getByRole('form', { name: 'New rule' });
    fireEvent.change(within(form).getByLabelText('Latency (ms)'), { target: { value: '-5' } });
    fireEvent.change(within(form).getByLabelText('Path (glob)'), { target: { value: '/a[' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save rule' }));
    const alerts = await within(form).findAllByRole('alert');
    expect(alerts.map((a) => a.textContent)).toEqual([
      'match.path: the glob "/a[" cannot compile: "[" at position 3 is never closed with "]"',
      'latency.ms: -5 is out of range: expected milliseconds from 0 to 3600000',
    ]);
    // Each under its own field.
    expect(within(form).getByLabelText('Latency (ms)').parentElement!.textContent).toContain(
      '-5 is out of range',
    );
    expect(saved).toEqual([]);
    fireEvent.change(within(form).getByLabelText('Latency (ms)'), { target: { value: '250' } });
    fireEvent.change(within(form).getByLabelText('Path (glob)'), { target: { value: '/a/*' } });
    expect(within(form).queryAllByRole('alert')).toEqual([]);
    fireEvent.click(within(form).getByRole('button', { name: 'Save rule' }));
    await vi.waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]![2]).toEqual({
      id: 'new-rule',
      name: 'New rule',
      latency: { ms: 250 },
      match: { path: '/a/*' },
    });
  });

  it('shows a problem only the engine finds (a missing file) under its field', async () => {
    render(<RulesView />);
    fireEvent.click(screen.getByRole('button', { name: /^Slow/ }));
    const form = screen.getByRole('form', { name: 'Edit rule Slow' });
    fireEvent.change(within(form).getByLabelText('Answer'), { target: { value: 'mapLocal' } });
    fireEvent.change(within(form).getByLabelText('File'), { target: { value: 'gone.json' } });
    saveFailure = new Error('Rules file /data/rules.json: rules[0].mapLocal: no such file: gone.json');
    fireEvent.click(within(form).getByRole('button', { name: 'Save rule' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toBe('mapLocal: no such file: gone.json');
    expect(within(form).getByLabelText('File').parentElement!.contains(alert)).toBe(true);
  });

  it('asks before an edit that was not saved is left for another rule', () => {
    render(<RulesView />);
    fireEvent.click(screen.getByRole('button', { name: /^Slow/ }));
    // Nothing changed yet: another rule opens without a question.
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false);
    fireEvent.click(screen.getByRole('button', { name: /^Flaky/ }));
    expect(confirm).not.toHaveBeenCalled();
    const form = screen.getByRole('form', { name: 'Edit rule Flaky' });
    fireEvent.change(within(form).getByLabelText('Probability (0–1)'), { target: { value: '0.2' } });
    fireEvent.click(screen.getByRole('button', { name: /^Slow/ }));
    expect(confirm).toHaveBeenCalledWith('Discard the changes to "Flaky"?');
    expect(screen.getByRole('form', { name: 'Edit rule Flaky' })).toBeTruthy();
    confirm.mockReturnValue(true);
    fireEvent.click(screen.getByRole('button', { name: /^Slow/ }));
    expect(screen.getByRole('form', { name: 'Edit rule Slow' })).toBeTruthy();
  });

  it('follows rules:changed (a reload of the rules file) and shows a file that failed to load', () => {
    render(<RulesView />);
    act(() =>
      useStore.getState().applyEvents([
        {
          type: 'rules:changed',
          state: {
            rules: [{ id: 'busy', name: 'Busy', respond: { status: 503 } }],
            file: '/data/rules.json',
            hits: { busy: 0 },
            fileError:
              'Rules file /data/rules.json: rules[1].latency.ms: bad. The previous rules stay in force.',
          },
        },
      ]),
    );
    expect(screen.getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual(['Rule Busy']);
    expect(screen.getByRole('alert').textContent).toContain('The previous rules stay in force.');
  });

  it('shows the TCP proxies with their toxics and the connections through them', () => {
    const connection = makeExchange({
      kind: 'tunnel',
      method: 'TCP',
      url: 'tcp://127.0.0.1:6379',
      durationMs: 1200,
      tunnel: {
        reason: 'tcp_proxy',
        bytesFromClient: 120,
        bytesFromServer: 2048,
        proxyName: 'redis',
        listen: '127.0.0.1:26379',
        closeReason: 'client closed',
      },
      rule: {
        ruleId: 'toxiproxy:redis',
        ruleName: 'TCP proxy redis',
        actions: ['latency 100 ms downstream'],
      },
    });
    useStore.getState().setExchanges([makeExchange(), connection]);
    render(<RulesView />);
    act(() =>
      useStore.getState().applyEvents([
        {
          type: 'tcpProxies:changed',
          proxies: [
            {
              name: 'redis',
              listen: '127.0.0.1:26379',
              upstream: '127.0.0.1:6379',
              enabled: true,
              toxics: [
                {
                  name: 'slow',
                  type: 'latency',
                  stream: 'downstream',
                  toxicity: 1,
                  attributes: { latency: 100, jitter: 0 },
                },
              ],
            },
          ],
        },
      ]),
    );
    fireEvent.click(screen.getByRole('tab', { name: 'TCP proxies (1)' }));
    const proxies = screen.getByRole('table', { name: 'TCP proxies' });
    expect(proxies.textContent).toContain('slow: latency downstream (latency=100 jitter=0)');
    const rows = within(screen.getByRole('table', { name: 'TCP proxy connections' })).getAllByRole('row');
    expect(rows).toHaveLength(2);
    expect(rows[1]!.textContent).toContain('client closed');
    expect(rows[1]!.textContent).toContain('latency 100 ms downstream');
    fireEvent.click(rows[1]!);
    expect(useStore.getState().selectedId).toBe(connection.id);
    expect(useStore.getState().view).toBe('traffic');
  });
});
