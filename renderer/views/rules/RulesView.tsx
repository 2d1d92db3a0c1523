/**
 * The Rules view (docs/rules.md): the rules in force, in order, each with its switch, what it
 * matches and does and how many exchanges it acted on; a form to create and edit one, presets one
 * click away, the whole rules file as JSON, and the TCP proxies of the toxiproxy-compatible API
 * with their connections. Every change goes through `rules:save`, which validates, writes the
 * rules file and puts the rules in force; the list follows `rules:changed`, so an edit of the
 * file (`--rules FILE`) shows here at once.
 */
import { useEffect, useMemo, useState } from 'react';
import { RULE_PRESETS } from '../../../shared/rulePresets';
import { ruleIdOf, type RuleDefinition, type RuleProblem } from '../../../shared/rules';
import { call } from '../../api';
import { useStore } from '../../store';
import { RuleEditor } from './RuleEditor';
import { RulesJsonEditor } from './RulesJsonEditor';
import { TcpProxiesPanel } from './TcpProxiesPanel';
import {
  draftProblems,
  problemFromEngineMessage,
  uniqueRuleId,
  withRuleDuplicated,
  withRuleMoved,
  withRulesAdded,
  type RuleDraft,
} from './ruleDraft';
import { actionSummary, matchSummary } from './ruleSummary';
import './rules.css';

type Tab = 'rules' | 'json' | 'tcp';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The rule being edited: which one (by id; undefined for a new rule) and its draft. */
interface Editing {
  id: string | undefined;
  draft: RuleDraft;
  triedToSave: boolean;
  /** A problem only the engine can find (a file that must exist), from the last save. */
  engineProblem?: RuleProblem;
  engineMessage?: string;
}

/** How often, at most, the counts of what each rule did are asked for while traffic flows. */
const HITS_REFRESH_MS = 1000;

/**
 * Keeps each rule's count current while the view is open: no event says a rule acted, so the
 * counts are asked for again when exchanges arrive (at most once a second).
 */
function useRuleHitsRefresh(): void {
  const version = useStore((s) => s.exchangesVersion);
  const setRuleHits = useStore((s) => s.setRuleHits);
  const [lastAskedMs, setLastAskedMs] = useState(0);
  useEffect(() => {
    let cancelled = false;
    const wait = Math.max(0, lastAskedMs + HITS_REFRESH_MS - Date.now());
    const timer = setTimeout(() => {
      setLastAskedMs(Date.now());
      call('rules:get').then(
        (state) => {
          if (!cancelled) setRuleHits(state.hits);
        },
        // The counts only: a failure leaves the last ones, the next exchange asks again.
        () => undefined,
      );
    }, wait);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // lastAskedMs is read, not watched: a refresh must not schedule the next one by itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version, setRuleHits]);
}

export function RulesView() {
  const rulesState = useStore((s) => s.rulesState);
  const tcpProxies = useStore((s) => s.tcpProxies);
  const pushNotice = useStore((s) => s.pushNotice);
  const setRulesState = useStore((s) => s.setRulesState);
  const [tab, setTab] = useState<Tab>('rules');
  const [editing, setEditing] = useState<Editing | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const rules = useMemo(() => rulesState?.rules ?? [], [rulesState]);
  useRuleHitsRefresh();

  /** Saves the whole list; the engine validates it and nothing changes when it fails. */
  async function save(next: RuleDefinition[], what: string): Promise<boolean> {
    setBusy(true);
    // Shown at once (a switch flips when clicked); the engine's answer replaces it, and a
    // refusal puts the list back as it was.
    const before = rulesState;
    if (before) setRulesState({ ...before, rules: next });
    try {
      setRulesState(await call('rules:save', next));
      return true;
    } catch (error) {
      if (before) setRulesState(before);
      pushNotice('error', `Could not ${what}: ${messageOf(error)}`);
      return false;
    } finally {
      setBusy(false);
    }
  }

  const editIndex = editing
    ? editing.id === undefined
      ? rules.length
      : rules.findIndex((rule, i) => ruleIdOf(rule, i) === editing.id)
    : -1;
  const problems = useMemo(() => {
    if (!editing || editIndex < 0) return [];
    const found = draftProblems(rules, editIndex, editing.draft);
    return editing.engineProblem && found.length === 0 ? [editing.engineProblem] : found;
  }, [editing, editIndex, rules]);

  async function saveDraft() {
    if (!editing || editIndex < 0) return;
    const local = draftProblems(rules, editIndex, editing.draft);
    if (local.length > 0) {
      setEditing({ ...editing, triedToSave: true });
      return;
    }
    const draft = { ...editing.draft } as unknown as RuleDefinition;
    // A new rule gets an id of its own, so a second "New rule" never collides with the first.
    if (editing.id === undefined && draft.id === undefined)
      draft.id = uniqueRuleId(rules, ruleIdOf({ name: draft.name }, editIndex));
    const next = [...rules];
    next[editIndex] = draft;
    setBusy(true);
    try {
      const state = await call('rules:save', next);
      setRulesState(state);
      setEditing(undefined);
    } catch (error) {
      const message = messageOf(error);
      const engineProblem = problemFromEngineMessage(message, editIndex);
      setEditing({
        ...editing,
        triedToSave: true,
        ...(engineProblem ? { engineProblem } : {}),
        engineMessage: engineProblem ? undefined : message,
      });
    } finally {
      setBusy(false);
    }
  }

  /** Whether leaving the rule being edited loses changes; asks the user when it does. */
  function mayLeaveEditing(): boolean {
    if (!editing) return true;
    const original = editing.id === undefined ? { name: 'New rule' } : rules[editIndex];
    if (JSON.stringify(original) === JSON.stringify(editing.draft)) return true;
    return window.confirm(`Discard the changes to "${String(editing.draft.name ?? 'the rule')}"?`);
  }

  function startEdit(index: number) {
    const rule = rules[index];
    if (!rule || editing?.id === ruleIdOf(rule, index) || !mayLeaveEditing()) return;
    setEditing({
      id: ruleIdOf(rule, index),
      draft: JSON.parse(JSON.stringify(rule)) as RuleDraft,
      triedToSave: false,
    });
  }

  async function addPreset(presetId: string) {
    const preset = RULE_PRESETS.find((p) => p.id === presetId);
    if (!preset) return;
    const next = withRulesAdded(rules, preset.rules);
    if (await save(next, `add the preset "${preset.label}"`))
      pushNotice('info', `Added the preset "${preset.label}": ${preset.description}.`);
  }

  const hits = rulesState?.hits ?? {};
  const enabledCount = rules.filter((r) => r.enabled !== false).length;

  return (
    <section className="rules-view" aria-label="Rules">
      <div className="tabs" role="tablist" aria-label="Rules tabs">
        {(
          [
            ['rules', 'Rules'],
            ['json', 'JSON'],
            ['tcp', `TCP proxies${tcpProxies.length > 0 ? ` (${tcpProxies.length})` : ''}`],
          ] as const
        ).map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      {rulesState?.fileError && (
        <p className="rules-file-error" role="alert">
          {rulesState.fileError}
        </p>
      )}
      {tab === 'json' && (
        <RulesJsonEditor rules={rules} onSaved={setRulesState} busy={busy} setBusy={setBusy} />
      )}
      {tab === 'tcp' && <TcpProxiesPanel proxies={tcpProxies} />}
      {tab === 'rules' && (
        <div className="rules-main">
          <div className="rules-list-pane">
            <div className="toolbar">
              <button
                type="button"
                className="primary"
                disabled={busy}
                onClick={() => {
                  if (mayLeaveEditing())
                    setEditing({ id: undefined, draft: { name: 'New rule' }, triedToSave: false });
                }}
              >
                New rule
              </button>
              <label>
                Preset
                <select
                  aria-label="Add a preset"
                  value=""
                  disabled={busy}
                  onChange={(e) => void addPreset(e.target.value)}
                >
                  <option value="">add…</option>
                  {RULE_PRESETS.map((preset) => (
                    <option key={preset.id} value={preset.id} title={preset.description}>
                      {preset.label}
                    </option>
                  ))}
                </select>
              </label>
              <span className="spacer" />
              <span className="muted">
                {rules.length} rule{rules.length === 1 ? '' : 's'}, {enabledCount} enabled
              </span>
            </div>
            <p className="muted rules-file">
              {rulesState?.file ? (
                <>
                  Rules file <span className="mono">{rulesState.file}</span>: saved there, and its edits show
                  here.
                </>
              ) : (
                'Rules live in memory only (no rules file).'
              )}{' '}
              The first matching enabled rule acts, unless it says “continue”.
            </p>
            {rulesState === undefined ? (
              <p className="muted rules-empty">Loading…</p>
            ) : rules.length === 0 ? (
              <div className="rules-empty">
                <p>No rules: NetLens passes traffic as it is.</p>
                <p className="muted">Start from a preset:</p>
                <div className="rules-presets">
                  {RULE_PRESETS.map((preset) => (
                    <button
                      key={preset.id}
                      type="button"
                      title={preset.description}
                      disabled={busy}
                      onClick={() => void addPreset(preset.id)}
                    >
                      {preset.label}
                    </button>
                  ))}
                </div>
              </div>
            ) : (
              <ol className="rules-list" aria-label="Rules in order">
                {rules.map((rule, i) => {
                  const id = ruleIdOf(rule, i);
                  const enabled = rule.enabled !== false;
                  return (
                    <li
                      key={id}
                      className={`rule-item${enabled ? '' : ' disabled'}${editing?.id === id ? ' selected' : ''}`}
                      aria-label={`Rule ${rule.name}`}
                    >
                      <input
                        type="checkbox"
                        className="rule-switch"
                        role="switch"
                        aria-label={`Enable ${rule.name}`}
                        checked={enabled}
                        disabled={busy}
                        onChange={(e) =>
                          void save(
                            rules.map((r, j) => (j === i ? { ...r, enabled: e.target.checked } : r)),
                            `${e.target.checked ? 'enable' : 'disable'} "${rule.name}"`,
                          )
                        }
                      />
                      <button type="button" className="rule-open" onClick={() => startEdit(i)} title="Edit">
                        <span className="rule-name">
                          {rule.name}
                          {rule.continue ? <span className="badge">continue</span> : null}
                          {rule.times !== undefined ? <span className="badge">×{rule.times}</span> : null}
                        </span>
                        <span className="rule-what muted">
                          {matchSummary(rule)} → {actionSummary(rule)}
                        </span>
                      </button>
                      <span
                        className="rule-hits num"
                        title="Exchanges this rule acted on since the rules were loaded"
                      >
                        {hits[id] ?? 0}
                      </span>
                      <span className="rule-actions">
                        <button
                          type="button"
                          aria-label={`Move ${rule.name} up`}
                          title="Move up"
                          disabled={busy || i === 0}
                          onClick={() => void save(withRuleMoved(rules, i, -1), 'move the rule')}
                        >
                          ↑
                        </button>
                        <button
                          type="button"
                          aria-label={`Move ${rule.name} down`}
                          title="Move down"
                          disabled={busy || i === rules.length - 1}
                          onClick={() => void save(withRuleMoved(rules, i, 1), 'move the rule')}
                        >
                          ↓
                        </button>
                        <button
                          type="button"
                          aria-label={`Duplicate ${rule.name}`}
                          title="Duplicate"
                          disabled={busy}
                          onClick={() => void save(withRuleDuplicated(rules, i), 'duplicate the rule')}
                        >
                          Copy
                        </button>
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Delete ${rule.name}`}
                          title="Delete"
                          disabled={busy}
                          onClick={() => {
                            if (!window.confirm(`Delete the rule "${rule.name}"?`)) return;
                            void save(
                              rules.filter((_, j) => j !== i),
                              `delete "${rule.name}"`,
                            ).then((saved) => {
                              if (saved && editing?.id === id) setEditing(undefined);
                            });
                          }}
                        >
                          ✕
                        </button>
                      </span>
                    </li>
                  );
                })}
              </ol>
            )}
          </div>
          <div className="rules-editor-pane">
            {editing && editIndex >= 0 ? (
              <form
                aria-label={
                  editing.id === undefined ? 'New rule' : `Edit rule ${String(editing.draft.name ?? '')}`
                }
                onSubmit={(e) => {
                  e.preventDefault();
                  void saveDraft();
                }}
              >
                <div className="rules-editor-head">
                  <h2>
                    {editing.id === undefined ? 'New rule' : `Edit “${String(editing.draft.name ?? '')}”`}
                  </h2>
                  <span className="spacer" />
                  <button type="submit" className="primary" disabled={busy}>
                    Save rule
                  </button>
                  <button type="button" onClick={() => setEditing(undefined)}>
                    Cancel
                  </button>
                </div>
                {editing.triedToSave && problems.length > 0 && (
                  <p className="rule-problem-summary" role="status">
                    Not saved: {problems.length} problem{problems.length === 1 ? '' : 's'} to fix (under the
                    fields).
                  </p>
                )}
                {editing.engineMessage && (
                  <p className="rule-problem-summary" role="alert">
                    Not saved: {editing.engineMessage}
                  </p>
                )}
                <RuleEditor
                  draft={editing.draft}
                  problems={problems}
                  showProblems={editing.triedToSave}
                  onChange={(draft) => {
                    const { engineProblem: _p, engineMessage: _m, ...rest } = editing;
                    setEditing({ ...rest, draft });
                  }}
                />
              </form>
            ) : editing ? (
              <p className="muted rules-empty">
                This rule is gone (the rules file changed).{' '}
                <button type="button" onClick={() => setEditing(undefined)}>
                  Close
                </button>
              </p>
            ) : (
              <div className="rules-empty muted">
                <p>Select a rule to edit it, or create one.</p>
                <p>
                  An exchange a rule acted on is marked in the traffic list (
                  <span className="badge rule">rule</span>); the detail pane names the rule and what it did.
                  Filter with <span className="mono">is:rule</span>, <span className="mono">is:injected</span>{' '}
                  or <span className="mono">rule:NAME</span>.
                </p>
              </div>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
