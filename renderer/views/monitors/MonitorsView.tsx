/**
 * Monitors: health checks the engine runs while the app is open. A list with each monitor's
 * state and uptime; per monitor its latency chart (split by phase, with pass/fail markers and
 * p50/p95), its figures and its state changes.
 */
import { useMemo, useState } from 'react';
import type { MonitorDefinition, MonitorHistory, MonitorState } from '../../../shared/monitor';
import { call } from '../../api';
import { formatClock, formatDuration } from '../../format';
import { useStore } from '../../store';
import { monitorStateOf } from '../../store/monitorsSlice';
import '../probes/probes.css';
import './monitors.css';
import { MonitorChart } from './MonitorChart';
import { MonitorForm } from './MonitorForm';
import { monitorSummary } from './monitorChartData';

const STATE_LABEL: Record<MonitorState, string> = { up: 'up', down: 'down', unknown: 'waiting' };

function every(ms: number): string {
  return ms % 60_000 === 0 ? `every ${ms / 60_000} min` : `every ${ms / 1000} s`;
}

function StateDot({ state }: { state: MonitorState }) {
  return (
    <span
      className={`state-dot ${state}`}
      role="img"
      aria-label={STATE_LABEL[state]}
      title={STATE_LABEL[state]}
    />
  );
}

function MonitorDetail({
  monitor,
  history,
  onEdit,
}: {
  monitor: MonitorDefinition;
  history: MonitorHistory | undefined;
  onEdit: () => void;
}) {
  const [confirmDelete, setConfirmDelete] = useState(false);
  const samples = useMemo(() => history?.samples ?? [], [history]);
  const summary = useMemo(() => monitorSummary(samples), [samples]);
  const changes = [...(history?.changes ?? [])].reverse();
  const last = samples[samples.length - 1];
  const remove = async () => {
    try {
      useStore.getState().setMonitors(await call('monitors:delete', monitor.id));
    } catch (error) {
      useStore
        .getState()
        .pushNotice(
          'error',
          `Could not delete ${monitor.name}: ${error instanceof Error ? error.message : String(error)}`,
        );
    }
  };
  return (
    <article className="monitor-detail" aria-label={`Monitor ${monitor.name}`}>
      <header className="monitor-detail-header">
        <h2>
          <StateDot state={monitorStateOf(history)} /> {monitor.name}
        </h2>
        <span className="mono muted">{monitor.target}</span>
        <span className="muted">
          {every(monitor.intervalMs)} · timeout {formatDuration(monitor.timeoutMs)}
          {monitor.expectedStatus ? ` · expects ${monitor.expectedStatus}` : ''}
          {monitor.enabled === false ? ' · disabled' : ''}
          {monitor.insecure ? ' · certificate not checked' : ''}
        </span>
        <span className="spacer" />
        <button type="button" onClick={onEdit}>
          Edit
        </button>
        {confirmDelete ? (
          <>
            <button type="button" className="danger" onClick={() => void remove()}>
              Confirm delete
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        )}
      </header>
      <dl className="monitor-figures">
        <div>
          <dt>Uptime</dt>
          <dd data-testid="monitor-uptime">
            {summary.uptimePercent === undefined ? '—' : `${summary.uptimePercent.toFixed(1)} %`}
          </dd>
        </div>
        <div>
          <dt>p50</dt>
          <dd>{formatDuration(summary.p50Ms) || '—'}</dd>
        </div>
        <div>
          <dt>p95</dt>
          <dd>{formatDuration(summary.p95Ms) || '—'}</dd>
        </div>
        <div>
          <dt>Samples</dt>
          <dd data-testid="monitor-samples">
            {summary.samples} ({summary.failures} failed)
          </dd>
        </div>
        <div>
          <dt>Last check</dt>
          <dd>
            {last
              ? `${formatClock(last.atMs).slice(0, 8)} · ${last.ok ? `ok${last.status ? ` ${last.status}` : ''}` : (last.errorClass ?? `HTTP ${last.status ?? '?'}`)}`
              : '—'}
          </dd>
        </div>
      </dl>
      {last && !last.ok && last.message ? (
        <p className="probe-verdict failed" role="status">
          {last.message}
        </p>
      ) : null}
      <MonitorChart samples={samples} summary={summary} />
      <section aria-label="State changes">
        <h3>State changes</h3>
        {changes.length === 0 ? (
          <p className="muted">No state change yet.</p>
        ) : (
          <ul className="state-changes">
            {changes.map((c) => (
              <li key={`${c.atMs}-${c.to}`}>
                <span className="muted">{formatClock(c.atMs).slice(0, 8)}</span> <StateDot state={c.to} />{' '}
                <strong>
                  {STATE_LABEL[c.from]} → {STATE_LABEL[c.to]}
                </strong>{' '}
                {c.message}
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}

export function MonitorsView() {
  const monitors = useStore((s) => s.monitors);
  const loaded = useStore((s) => s.monitorsLoaded);
  const histories = useStore((s) => s.monitorHistory);
  const selectedId = useStore((s) => s.selectedMonitorId);
  const select = useStore((s) => s.selectMonitor);
  const [editing, setEditing] = useState<MonitorDefinition | 'new' | undefined>();

  const selected = monitors.find((m) => m.id === selectedId);

  const save = async (def: MonitorDefinition) => {
    const list = await call('monitors:save', def);
    const store = useStore.getState();
    store.setMonitors(list);
    store.selectMonitor(def.id);
    store.setMonitorHistory(def.id, await call('monitors:history', def.id));
    setEditing(undefined);
  };

  return (
    <section className="monitors-view" aria-label="Monitors">
      <aside className="monitor-list" aria-label="Monitor list">
        <div className="monitor-list-head">
          <h2>Monitors</h2>
          <button type="button" onClick={() => setEditing('new')}>
            Add monitor
          </button>
        </div>
        {loaded && monitors.length === 0 ? <p className="muted">No monitors yet.</p> : null}
        <ul>
          {monitors.map((m) => {
            const history = histories[m.id];
            const summary = monitorSummary(history?.samples ?? []);
            return (
              <li key={m.id}>
                <button
                  type="button"
                  aria-current={m.id === selectedId ? 'true' : undefined}
                  onClick={() => {
                    select(m.id);
                    setEditing(undefined);
                  }}
                >
                  <StateDot state={monitorStateOf(history)} />
                  <span className="monitor-name">{m.name}</span>
                  <span className="muted num">
                    {summary.uptimePercent === undefined ? '' : `${summary.uptimePercent.toFixed(1)} %`}
                  </span>
                  <span className="monitor-target mono muted">{m.target}</span>
                </button>
              </li>
            );
          })}
        </ul>
      </aside>
      <div className="monitor-main">
        {editing ? (
          <MonitorForm
            key={editing === 'new' ? 'new' : editing.id}
            {...(editing === 'new' ? {} : { initial: editing })}
            onSave={save}
            onCancel={() => setEditing(undefined)}
          />
        ) : selected ? (
          <MonitorDetail
            monitor={selected}
            history={histories[selected.id]}
            onEdit={() => setEditing(selected)}
          />
        ) : (
          <p className="muted">
            A monitor probes a target on an interval (DNS, TCP, TLS, HTTP, each timed) and charts it; a change
            between up and down raises a notification.
          </p>
        )}
      </div>
    </section>
  );
}
