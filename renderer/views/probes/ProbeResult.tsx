/**
 * One probe report: the verdict first (the failure message is the point when there is one),
 * then the phases with their times, then each layer's detail and the retry history.
 */
import type { DnsStep, HttpStep, ProbeReport, ProbeStep, TcpStep, TlsStep } from '../../../shared/probe';
import { ADDRESS_FLAG_LABELS } from '../../../shared/probe';
import { TIMING_COLORS, timingPhaseOf } from '../../../shared/timing';
import type { FailurePhase } from '../../../shared/errors';
import { formatClock, formatDuration } from '../../format';
import { TlsStepDetail as TlsDetail } from './TlsStepDetail';
import { PhaseBar, PhaseLegend } from './PhaseBar';
import { ProbeVerdict } from './ProbeVerdict';
import { hostPort } from '../../../shared/address';
import { formatBytes } from '../../../shared/format';

const STEP_LABELS: Record<ProbeStep['kind'], string> = { dns: 'DNS', tcp: 'TCP', tls: 'TLS', http: 'HTTP' };
/** The failure phase each probe step is; its colour is that phase's timing phase's. */
const STEP_PHASES: Record<ProbeStep['kind'], FailurePhase> = {
  dns: 'dns',
  tcp: 'connect',
  tls: 'tls',
  http: 'wait',
};

function stepSummary(step: ProbeStep): string {
  switch (step.kind) {
    case 'dns':
      if (step.literal) return `${step.host} is an IP address`;
      return step.ok
        ? `${step.addresses.length} address${step.addresses.length === 1 ? '' : 'es'} via ${step.resolver === 'system' ? 'the system resolver' : step.resolver}`
        : `${step.host} did not resolve`;
    case 'tcp':
      return step.ok && step.connectedAddress
        ? `connected to ${hostPort(step.connectedAddress, step.port)}`
        : `no connection on port ${step.port}`;
    case 'tls':
      return (
        [step.protocol, step.cipher, step.alpn ? `ALPN ${step.alpn}` : undefined]
          .filter(Boolean)
          .join(' · ') || 'handshake failed'
      );
    case 'http': {
      const last = step.hops[step.hops.length - 1];
      if (!last || last.status === 0) return 'no response';
      return `${last.status} ${last.statusText} · ${formatBytes(last.sizeBytes)}${step.hops.length > 1 ? ` · ${step.hops.length - 1} redirect${step.hops.length > 2 ? 's' : ''}` : ''}`;
    }
  }
}

function PhaseRows({ report }: { report: ProbeReport }) {
  return (
    <table className="probe-phases">
      <tbody>
        {report.steps.map((step) => (
          <tr key={step.kind} data-step={step.kind} className={step.ok ? '' : 'failed'}>
            <th scope="row">
              <span
                className="phase-swatch"
                style={{ background: TIMING_COLORS[timingPhaseOf(STEP_PHASES[step.kind])] }}
              />
              {STEP_LABELS[step.kind]}
            </th>
            <td className="probe-step-mark" aria-label={step.ok ? 'ok' : 'failed'}>
              {step.ok ? '✓' : '✗'}
            </td>
            <td>{stepSummary(step)}</td>
            <td className="num" data-testid={`phase-time-${step.kind}`}>
              {step.kind === 'dns' && step.literal ? '—' : formatDuration(step.durationMs)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DnsDetail({ step }: { step: DnsStep }) {
  return (
    <section className="probe-section" aria-label="DNS">
      <h3>DNS</h3>
      {step.cnameChain.length > 1 ? (
        <p>
          CNAME chain: <span className="mono">{step.cnameChain.join(' → ')}</span>
        </p>
      ) : null}
      <table className="plain">
        <thead>
          <tr>
            <th>Address</th>
            <th>Family</th>
            <th>Flags</th>
          </tr>
        </thead>
        <tbody>
          {step.addresses.map((a) => (
            <tr key={a.address}>
              <td className="mono">{a.address}</td>
              <td>IPv{a.family}</td>
              <td>
                {a.flags.map((f) => (
                  <span
                    key={f}
                    className={f === 'loopback' ? 'badge' : 'badge warn'}
                    title={ADDRESS_FLAG_LABELS[f]}
                  >
                    {ADDRESS_FLAG_LABELS[f]}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {step.addresses.some((a) => a.flags.some((f) => f !== 'loopback')) && !step.literal ? (
        <p className="muted">
          A flagged address is reachable only inside its own network: a public name that resolves to one
          usually means a service advertises an internal address.
        </p>
      ) : null}
    </section>
  );
}

function TcpDetail({ step }: { step: TcpStep }) {
  if (step.attempts.length <= 1 && step.ok) return null;
  return (
    <section className="probe-section" aria-label="TCP attempts">
      <h3>TCP attempts (happy eyeballs, RFC 8305)</h3>
      <table className="plain">
        <tbody>
          {step.attempts.map((a) => (
            <tr key={`${a.address}-${a.startOffsetMs}`}>
              <td>{a.ok ? '✓' : a.cancelled ? '–' : '✗'}</td>
              <td className="mono">{hostPort(a.address, a.port)}</td>
              <td>
                {a.ok
                  ? 'connected'
                  : a.cancelled
                    ? 'cancelled: another address answered first'
                    : (a.error?.class ?? 'failed')}
              </td>
              <td className="num">{formatDuration(a.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function HttpDetail({ step }: { step: HttpStep }) {
  const last = step.hops[step.hops.length - 1];
  return (
    <section className="probe-section" aria-label="HTTP">
      <h3>HTTP</h3>
      <table className="plain">
        <thead>
          <tr>
            <th>Status</th>
            <th>URL</th>
            <th className="num">TTFB</th>
            <th className="num">Download</th>
            <th className="num">Size</th>
          </tr>
        </thead>
        <tbody>
          {step.hops.map((hop, i) => (
            <tr key={`${i}-${hop.url}`}>
              <td>{hop.status === 0 ? '✗' : `${hop.status} ${hop.statusText}`}</td>
              <td className="mono">
                {hop.method} {hop.url}
                {hop.location ? <div className="muted">→ {hop.location}</div> : null}
              </td>
              <td className="num">{formatDuration(hop.ttfbMs)}</td>
              <td className="num">{formatDuration(hop.downloadMs)}</td>
              <td className="num">{formatBytes(hop.sizeBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {step.redirectNotFollowed ? <p className="muted">{step.redirectNotFollowed}</p> : null}
      {last && last.headers.length > 0 ? (
        <details open>
          <summary>Response headers ({last.headers.length})</summary>
          <table className="plain headers">
            <tbody>
              {last.headers.map((h, i) => (
                <tr key={`${i}-${h.name}`}>
                  <th scope="row" className="mono">
                    {h.name}
                  </th>
                  <td className="mono">{h.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </section>
  );
}

function Attempts({ report }: { report: ProbeReport }) {
  if (report.attempts.length <= 1) return null;
  return (
    <section className="probe-section" aria-label="Retry history">
      <h3>Retry history</h3>
      <table className="plain">
        <thead>
          <tr>
            <th>#</th>
            <th>Started</th>
            <th className="num">Waited before</th>
            <th>Outcome</th>
            <th className="num">Took</th>
          </tr>
        </thead>
        <tbody>
          {report.attempts.map((a) => (
            <tr key={a.attempt} className={a.ok ? '' : 'failed'}>
              <td>{a.attempt}</td>
              <td>{formatClock(a.startedAtMs)}</td>
              <td className="num">
                {a.attempt === 1
                  ? '—'
                  : `${formatDuration(a.waitBeforeMs) || '0 ms'}${a.waitReason ? ` (${a.waitReason})` : ''}`}
              </td>
              <td>{a.outcome}</td>
              <td className="num">{formatDuration(a.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function ProbeResult({ report }: { report: ProbeReport }) {
  const dns = report.steps.find((s): s is DnsStep => s.kind === 'dns');
  const tcp = report.steps.find((s): s is TcpStep => s.kind === 'tcp');
  const tls = report.steps.find((s): s is TlsStep => s.kind === 'tls');
  const http = report.steps.find((s): s is HttpStep => s.kind === 'http');
  return (
    <article className="probe-result" aria-label={`Probe of ${report.target}`}>
      {report.error ? (
        <ProbeVerdict ok={false} alert>
          <strong className="mono">{report.error.class}</strong> in {report.error.phase} after{' '}
          {formatDuration(report.error.elapsedMs) || '0 ms'}
          {report.error.detail ? <span className="muted"> ({report.error.detail})</span> : null}
          <p className="probe-message">{report.error.message}</p>
        </ProbeVerdict>
      ) : (
        <ProbeVerdict ok>
          ✓{' '}
          {report.status !== undefined
            ? `HTTP ${report.status}`
            : report.scheme === 'tls'
              ? 'TLS handshake completed'
              : 'TCP connection established'}{' '}
          in {formatDuration(report.totalMs)}
        </ProbeVerdict>
      )}
      <PhaseBar timings={report.timings} />
      <PhaseLegend timings={report.timings} />
      <PhaseRows report={report} />
      <Attempts report={report} />
      {dns ? <DnsDetail step={dns} /> : null}
      {tcp ? <TcpDetail step={tcp} /> : null}
      {tls ? <TlsDetail step={tls} /> : null}
      {http ? <HttpDetail step={http} /> : null}
    </article>
  );
}
