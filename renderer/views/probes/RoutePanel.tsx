/** Traceroute through the system's traceroute / tracepath / tracert, parsed into hops. */
import { formatDuration } from '../../format';
import { useState, type FormEvent } from 'react';
import type { TraceReport } from '../../../shared/probe';
import { call } from '../../api';
import { ProbeTargetField } from './ProbeTargetField';
import { StableLabel } from '../../components/StableLabel';
import { ProbeProblem, ProbeVerdict } from './ProbeVerdict';

export function RoutePanel() {
  const [host, setHost] = useState('');
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<TraceReport>();
  const [problem, setProblem] = useState<string>();

  const run = async (event: FormEvent) => {
    event.preventDefault();
    setRunning(true);
    setProblem(undefined);
    try {
      setReport(await call('probe:trace', { host: host.trim() }));
    } catch (error) {
      setReport(undefined);
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="tool-panel">
      <form className="probe-form" onSubmit={run} aria-label="Trace route">
        <ProbeTargetField
          label="Host"
          name="traceHost"
          value={host}
          placeholder="example.com"
          onChange={setHost}
        />
        <button type="submit" className="primary" disabled={running || host.trim() === ''}>
          <StableLabel idle="Trace" busy="Tracing…" isBusy={running} />
        </button>
      </form>
      <ProbeProblem problem={problem} />
      {running ? (
        <p className="probe-stale-note" role="status">
          Tracing the route to {host.trim()}; this can take up to a minute
          {report ? '. The route below is the previous one.' : '.'}
        </p>
      ) : null}
      {report ? (
        <section
          className={running ? 'probe-result probe-stale' : 'probe-result'}
          aria-label="Route"
          aria-busy={running}
        >
          <ProbeVerdict ok={report.reachedDestination}>
            Route to {report.host}
            {report.destination ? ` (${report.destination})` : ''} via {report.tool}:{' '}
            {report.reachedDestination ? 'destination reached' : 'destination not reached'}
          </ProbeVerdict>
          <table className="plain">
            <thead>
              <tr>
                <th>Hop</th>
                <th>Address</th>
                <th>Times</th>
                <th>Notes</th>
              </tr>
            </thead>
            <tbody>
              {report.hops.map((hop) => (
                <tr key={hop.hop}>
                  <td>{hop.hop}</td>
                  <td className="mono">
                    {hop.addresses.length === 0
                      ? '*'
                      : hop.addresses
                          .map((a, i) => (hop.hostnames[i] ? `${a} (${hop.hostnames[i]})` : a))
                          .join(', ')}
                  </td>
                  <td>
                    {[
                      ...hop.timesMs.map((t) => formatDuration(t)),
                      ...new Array<string>(hop.timeouts).fill('*'),
                    ].join('  ')}
                  </td>
                  <td>{hop.notes.join(' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}
