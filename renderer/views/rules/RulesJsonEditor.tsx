/**
 * The rules as the rules file holds them (`{"rules": [...]}`), for whoever would rather type
 * JSON. Checked as typed by the engine's own validator; saved through `rules:save` like the
 * form, so a rules file and this text are one format.
 */
import { useMemo, useState } from 'react';
import { parseRulesText } from '../../../shared/ruleValidation';
import type { RuleDefinition, RulesState } from '../../../shared/rules';
import { call } from '../../api';

function textOf(rules: readonly RuleDefinition[]): string {
  return `${JSON.stringify({ rules }, null, 2)}\n`;
}

export function RulesJsonEditor({
  rules,
  onSaved,
  busy,
  setBusy,
}: {
  rules: readonly RuleDefinition[];
  onSaved(state: RulesState): void;
  busy: boolean;
  setBusy(busy: boolean): void;
}) {
  const current = useMemo(() => textOf(rules), [rules]);
  // Until edited, the text is the rules in force, and follows them (the form, the file).
  const [editedText, setEditedText] = useState<string | undefined>(undefined);
  const text = editedText ?? current;
  const edited = editedText !== undefined;
  const [engineError, setEngineError] = useState<string | undefined>(undefined);
  const checked = useMemo(() => parseRulesText(text), [text]);

  async function save() {
    if (!checked.ok) return;
    setBusy(true);
    try {
      onSaved(await call('rules:save', checked.document.rules));
      setEditedText(undefined);
      setEngineError(undefined);
    } catch (error) {
      setEngineError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="rules-json">
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={busy || !checked.ok || !edited}
          onClick={() => void save()}
        >
          Save
        </button>
        <button
          type="button"
          disabled={!edited}
          onClick={() => {
            setEditedText(undefined);
            setEngineError(undefined);
          }}
        >
          Revert
        </button>
        <span className="muted">
          {checked.ok ? (edited ? 'Valid; not saved yet.' : 'The rules in force.') : 'Not valid: not saved.'}
        </span>
      </div>
      <textarea
        className="rules-json-text"
        aria-label="Rules as JSON"
        aria-invalid={!checked.ok}
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setEditedText(e.target.value);
          setEngineError(undefined);
        }}
      />
      {!checked.ok && (
        <ul className="rules-json-problems" aria-label="Problems">
          {checked.problems.map((problem) => (
            <li key={`${problem.path} ${problem.message}`} className="rule-problem">
              <span className="mono">{problem.path}</span>: {problem.message}
            </li>
          ))}
        </ul>
      )}
      {engineError && (
        <p className="rule-problem" role="alert">
          Not saved: {engineError}
        </p>
      )}
    </div>
  );
}
