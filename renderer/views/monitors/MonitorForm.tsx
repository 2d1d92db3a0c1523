/** Add or edit a monitor. Validation mirrors the engine's (shared/monitor), which has the last word. */
import { useState, type FormEvent } from 'react';
import {
  MAX_MONITOR_TIMEOUT_MS,
  MIN_MONITOR_INTERVAL_MS,
  MIN_MONITOR_TIMEOUT_MS,
  monitorDefinitionProblem,
  type MonitorDefinition,
} from '../../../shared/monitor';

function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `m-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function MonitorForm({
  initial,
  onSave,
  onCancel,
}: {
  initial?: MonitorDefinition;
  onSave: (def: MonitorDefinition) => Promise<void>;
  onCancel: () => void;
}) {
  const [name, setName] = useState(initial?.name ?? '');
  const [target, setTarget] = useState(initial?.target ?? '');
  const [intervalSeconds, setIntervalSeconds] = useState(String((initial?.intervalMs ?? 30_000) / 1000));
  const [timeoutMs, setTimeoutMs] = useState(String(initial?.timeoutMs ?? 5000));
  const [expectedStatus, setExpectedStatus] = useState(
    initial?.expectedStatus ? String(initial.expectedStatus) : '',
  );
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const [insecure, setInsecure] = useState(initial?.insecure ?? false);
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const def: MonitorDefinition = {
      id: initial?.id ?? newId(),
      name: name.trim() || target.trim(),
      target: target.trim(),
      intervalMs: Math.round(Number(intervalSeconds) * 1000),
      timeoutMs: Math.round(Number(timeoutMs)),
      enabled,
    };
    if (expectedStatus.trim() !== '') def.expectedStatus = Number(expectedStatus);
    if (insecure) def.insecure = true;
    const local = monitorDefinitionProblem(def);
    if (local) {
      setProblem(local);
      return;
    }
    setSaving(true);
    setProblem(undefined);
    try {
      await onSave(def);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="monitor-form" onSubmit={submit} aria-label={initial ? 'Edit monitor' : 'Add monitor'}>
      <label>
        Name
        <input
          type="text"
          name="name"
          value={name}
          placeholder="API health"
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label className="wide">
        Target
        <input
          type="text"
          name="target"
          value={target}
          placeholder="https://api.example.com/health or db.internal:5432"
          spellCheck={false}
          required
          onChange={(e) => setTarget(e.target.value)}
        />
      </label>
      <label>
        Every (seconds)
        <input
          type="number"
          name="intervalSeconds"
          min={MIN_MONITOR_INTERVAL_MS / 1000}
          step="any"
          value={intervalSeconds}
          onChange={(e) => setIntervalSeconds(e.target.value)}
        />
      </label>
      <label>
        Timeout per phase (ms)
        <input
          type="number"
          name="timeoutMs"
          min={MIN_MONITOR_TIMEOUT_MS}
          max={MAX_MONITOR_TIMEOUT_MS}
          value={timeoutMs}
          onChange={(e) => setTimeoutMs(e.target.value)}
        />
      </label>
      <label>
        Expected status
        <input
          type="number"
          name="expectedStatus"
          min={100}
          max={599}
          value={expectedStatus}
          placeholder="any 2xx/3xx"
          onChange={(e) => setExpectedStatus(e.target.value)}
        />
      </label>
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        Enabled
      </label>
      <label className="check">
        <input type="checkbox" checked={insecure} onChange={(e) => setInsecure(e.target.checked)} />
        Accept invalid certificates
      </label>
      <div className="monitor-form-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save monitor'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {problem ? (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
