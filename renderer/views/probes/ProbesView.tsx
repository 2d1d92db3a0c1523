/**
 * Probes: ask the network directly. DNS → TCP → TLS → HTTP, each timed, stopping at the first
 * layer that fails, with the taxonomy's actionable message (the same engine as `netlens probe`).
 */
import { type FormEvent } from 'react';
import { MAX_PROBE_RETRIES } from '../../../shared/probe';
import { call } from '../../api';
import { formatClock } from '../../format';
import { useStore } from '../../store';
import { probeRequestOf } from '../../store/probesSlice';
import type { ProbeTool } from '../../store/probesSlice';
import { ProbeResult } from './ProbeResult';
import { StableLabel } from '../../components/StableLabel';
import { ProbeTargetField } from './ProbeTargetField';
import { ProbeProblem } from './ProbeVerdict';
import { PingPanel } from './PingPanel';
import { RoutePanel } from './RoutePanel';
import { PortsPanel } from './PortsPanel';
import './probes.css';

const TOOLS: { tool: ProbeTool; label: string }[] = [
  { tool: 'probe', label: 'Probe' },
  { tool: 'ping', label: 'Ping' },
  { tool: 'trace', label: 'Trace route' },
  { tool: 'ports', label: 'Ports' },
];

export function ProbesView() {
  const tool = useStore((s) => s.probeTool);
  const setTool = useStore((s) => s.setProbeTool);
  return (
    <section className="probes-view" aria-label="Probes">
      <div className="probe-tools segmented" role="group" aria-label="Probe tools">
        {TOOLS.map((t) => (
          <button key={t.tool} type="button" aria-pressed={tool === t.tool} onClick={() => setTool(t.tool)}>
            {t.label}
          </button>
        ))}
      </div>
      {tool === 'ping' ? (
        <PingPanel />
      ) : tool === 'trace' ? (
        <RoutePanel />
      ) : tool === 'ports' ? (
        <PortsPanel />
      ) : (
        <ProbeTool />
      )}
    </section>
  );
}

function ProbeTool() {
  const form = useStore((s) => s.probeForm);
  const setForm = useStore((s) => s.setProbeForm);
  const running = useStore((s) => s.probeRunning);
  const callError = useStore((s) => s.probeCallError);
  const reports = useStore((s) => s.probeReports);
  const latest = reports[0];

  const run = async (event: FormEvent) => {
    event.preventDefault();
    if (running || form.target.trim() === '') return;
    const store = useStore.getState();
    store.probeStarted();
    try {
      const report = await call('probe:run', probeRequestOf(form));
      useStore.getState().probeFinished({ report });
    } catch (error) {
      useStore.getState().probeFinished({ error: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <div className="tool-panel">
      <form className="probe-form" onSubmit={run} aria-label="Probe">
        <ProbeTargetField
          label="Target"
          name="target"
          value={form.target}
          placeholder="https://api.example.com/health or db.internal:5432"
          autoComplete="off"
          onChange={(target) => setForm({ target })}
        />
        <label>
          Timeout per phase (ms)
          <input
            type="number"
            name="timeoutMs"
            min={1}
            max={300000}
            value={form.timeoutMs}
            onChange={(e) => setForm({ timeoutMs: Math.max(1, Math.round(Number(e.target.value) || 1)) })}
          />
        </label>
        <label>
          Retries
          <input
            type="number"
            name="retries"
            min={0}
            max={MAX_PROBE_RETRIES}
            value={form.retries}
            onChange={(e) =>
              setForm({
                retries: Math.min(MAX_PROBE_RETRIES, Math.max(0, Math.round(Number(e.target.value) || 0))),
              })
            }
          />
        </label>
        <label>
          DNS server (optional)
          <input
            type="text"
            name="resolver"
            value={form.resolver}
            placeholder="system"
            spellCheck={false}
            onChange={(e) => setForm({ resolver: e.target.value })}
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={form.followRedirects}
            onChange={(e) => setForm({ followRedirects: e.target.checked })}
          />
          Follow redirects
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={form.insecure}
            onChange={(e) => setForm({ insecure: e.target.checked })}
          />
          Continue past certificate errors
        </label>
        <button type="submit" className="primary" disabled={running || form.target.trim() === ''}>
          <StableLabel idle="Run" busy="Probing…" isBusy={running} />
        </button>
      </form>
      <ProbeProblem problem={callError} />
      <div className="probe-body">
        {latest ? (
          <div className="probe-latest">
            {running ? (
              <p className="probe-stale-note" role="status">
                Probing {form.target.trim()}… the result below is the previous one.
              </p>
            ) : null}
            <div className={running ? 'probe-stale' : undefined} aria-busy={running}>
              <ProbeResult report={latest} />
            </div>
          </div>
        ) : (
          <p className="muted probe-empty">
            Enter a URL or host:port and press Run. Each layer is timed (DNS, TCP, TLS, HTTP) and the first
            that fails is explained.
          </p>
        )}
        {reports.length > 1 ? (
          <aside className="probe-history" aria-label="Earlier probes">
            <h3>Earlier</h3>
            <ul>
              {reports.slice(1).map((r) => (
                <li key={`${r.startedAtMs}-${r.target}`}>
                  <button
                    type="button"
                    onClick={() => setForm({ target: r.target })}
                    title="Probe this target again"
                  >
                    <span className={r.error ? 'badge danger' : 'badge'}>
                      {r.error ? r.error.class : (r.status ?? 'ok')}
                    </span>{' '}
                    <span className="mono">{r.target}</span>{' '}
                    <span className="muted">{formatClock(r.startedAtMs)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </aside>
        ) : null}
      </div>
    </div>
  );
}
