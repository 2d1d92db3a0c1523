/** TCP ping (connect time to host:port, N samples) or the system's ICMP ping, from the UI. */
import { formatDuration } from '../../format';
import { useState, type FormEvent } from 'react';
import { MAX_UI_PING_COUNT, type PingReport, type PingSample } from '../../../shared/probe';
import { call } from '../../api';
import { useStore } from '../../store';
import { PingChart } from './PingChart';
import { StableLabel } from '../../components/StableLabel';
import { ProbeTargetField } from './ProbeTargetField';
import { ProbeProblem, ProbeVerdict } from './ProbeVerdict';

/** `host:port`, `[v6]:port` or, for ICMP, a bare host. */
export function splitHostPort(text: string): { host: string; port?: number } {
  const t = text.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracketed) return { host: bracketed[1]!, ...(bracketed[2] ? { port: Number(bracketed[2]) } : {}) };
  const plain = /^([^:\s]+):(\d+)$/.exec(t);
  if (plain) return { host: plain[1]!, port: Number(plain[2]) };
  return { host: t };
}

let pingRuns = 0;

function SampleTable({ samples }: { samples: readonly PingSample[] }) {
  return (
    <table className="plain">
      <thead>
        <tr>
          <th>#</th>
          <th>Result</th>
          <th className="num">Time</th>
        </tr>
      </thead>
      <tbody>
        {samples.map((s) => (
          <tr key={s.seq} className={s.ok ? '' : 'failed'}>
            <td>{s.seq}</td>
            <td>{s.ok ? 'reply' : (s.error ?? 'no reply')}</td>
            <td className="num">{formatDuration(s.timeMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PingPanel() {
  const live = useStore((s) => s.pingLive);
  const startLive = useStore((s) => s.startPingLive);
  const [target, setTarget] = useState('');
  const [method, setMethod] = useState<'tcp' | 'icmp'>('tcp');
  const [count, setCount] = useState(5);
  const [intervalMs, setIntervalMs] = useState(500);
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<PingReport>();
  const [problem, setProblem] = useState<string>();
  const [runCount, setRunCount] = useState(count);

  const run = async (event: FormEvent) => {
    event.preventDefault();
    const { host, port } = splitHostPort(target);
    if (method === 'tcp' && port === undefined) {
      setProblem('TCP ping needs a port: host:443 (or choose ICMP).');
      return;
    }
    setRunning(true);
    setProblem(undefined);
    // Each run has its own id: the engine's ping:sample events for it fill the live chart.
    pingRuns += 1;
    const pingId = `ping-${Date.now()}-${pingRuns}`;
    startLive(pingId);
    setRunCount(count);
    try {
      setReport(
        await call('probe:ping', {
          host,
          method,
          count,
          intervalMs,
          timeoutMs: 2000,
          pingId,
          ...(port !== undefined && method === 'tcp' ? { port } : {}),
        }),
      );
    } catch (error) {
      setReport(undefined);
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setRunning(false);
    }
  };

  const stats = report?.stats;
  return (
    <div className="tool-panel">
      <form className="probe-form" onSubmit={run} aria-label="Ping">
        <ProbeTargetField
          label="Host:port"
          name="pingTarget"
          value={target}
          placeholder="db.internal:5432"
          onChange={setTarget}
        />
        <label>
          Method
          <select
            name="pingMethod"
            value={method}
            onChange={(e) => setMethod(e.target.value as 'tcp' | 'icmp')}
          >
            <option value="tcp">TCP connect</option>
            <option value="icmp">ICMP (system ping)</option>
          </select>
        </label>
        <label>
          Samples
          <input
            type="number"
            name="pingCount"
            min={1}
            max={MAX_UI_PING_COUNT}
            value={count}
            onChange={(e) =>
              setCount(Math.min(MAX_UI_PING_COUNT, Math.max(1, Math.round(Number(e.target.value) || 1))))
            }
          />
        </label>
        <label>
          Interval (ms)
          <input
            type="number"
            name="pingInterval"
            min={0}
            max={60000}
            value={intervalMs}
            onChange={(e) =>
              setIntervalMs(Math.min(60000, Math.max(0, Math.round(Number(e.target.value) || 0))))
            }
          />
        </label>
        <button type="submit" className="primary" disabled={running || target.trim() === ''}>
          <StableLabel idle="Ping" busy="Pinging…" isBusy={running} />
        </button>
      </form>
      <ProbeProblem problem={problem} />
      {running ? (
        <section className="probe-result" aria-label="Ping result" aria-busy="true">
          <p className="probe-live" role="status">
            Pinging {live?.address ?? target.trim()}: {live?.samples.length ?? 0} of {runCount} samples…
          </p>
          <PingChart samples={live?.samples ?? []} count={runCount} />
          <SampleTable samples={live?.samples ?? []} />
        </section>
      ) : report && stats ? (
        <section className="probe-result" aria-label="Ping result">
          <ProbeVerdict ok={stats.received > 0}>
            {report.method === 'tcp' ? 'TCP' : 'ICMP'} ping {report.address ?? report.host}
            {report.port ? ` port ${report.port}` : ''}: {stats.sent} sent, {stats.received} received,{' '}
            {stats.lossPercent}% loss
            {stats.minMs !== undefined
              ? ` · min/avg/max/stddev ${[stats.minMs, stats.avgMs, stats.maxMs, stats.stddevMs].map((v) => formatDuration(v ?? 0)).join(' / ')}`
              : ''}
          </ProbeVerdict>
          <PingChart samples={report.samples} count={report.samples.length} />
          <SampleTable samples={report.samples} />
        </section>
      ) : null}
    </div>
  );
}
