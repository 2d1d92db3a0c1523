/** The machine's listening sockets and who holds them: the answer to "address already in use". */
import { StableLabel } from '../../components/StableLabel';
import { useCallback, useEffect, useState } from 'react';
import type { ListeningSocketInfo } from '../../../shared/probe';
import { call } from '../../api';
import { ProbeTargetField } from './ProbeTargetField';
import { ProbeProblem, ProbeVerdict } from './ProbeVerdict';
import { hostPort } from '../../../shared/address';

function where(s: ListeningSocketInfo): string {
  return hostPort(s.address, s.port);
}

export function PortsPanel() {
  const [sockets, setSockets] = useState<ListeningSocketInfo[]>();
  const [filter, setFilter] = useState('');
  const [problem, setProblem] = useState<string>();
  const [loading, setLoading] = useState(false);

  const fetchSockets = useCallback(
    () =>
      call('ports:list').then(
        (list) => {
          setSockets(list);
          setProblem(undefined);
        },
        (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)),
      ),
    [],
  );

  const refresh = async () => {
    setLoading(true);
    await fetchSockets();
    setLoading(false);
  };

  useEffect(() => {
    void fetchSockets();
  }, [fetchSockets]);

  const wanted = filter.trim();
  const shown = (sockets ?? []).filter(
    (s) =>
      wanted === '' ||
      String(s.port) === wanted ||
      (s.command ?? '').toLowerCase().includes(wanted.toLowerCase()) ||
      s.address.includes(wanted),
  );
  const portQuery = /^\d+$/.test(wanted);

  return (
    <div className="tool-panel">
      <div className="probe-form">
        <ProbeTargetField
          label="Port, process or address"
          name="portsFilter"
          value={filter}
          placeholder="8899"
          onChange={setFilter}
        />
        <button type="button" onClick={() => void refresh()} disabled={loading}>
          <StableLabel idle="Refresh" busy="Refreshing…" isBusy={loading} />
        </button>
      </div>
      <ProbeProblem problem={problem} />
      {sockets ? (
        <section
          className={loading ? 'probe-result probe-stale' : 'probe-result'}
          aria-label="Listening sockets"
          aria-busy={loading}
        >
          {portQuery ? (
            <ProbeVerdict ok={shown.length === 0}>
              {shown.length > 0
                ? `Port ${wanted} is in use${shown[0]?.pid !== undefined ? ` by ${shown[0].command ?? 'a process'} (pid ${shown[0].pid})` : ''}.`
                : `Nothing is listening on port ${wanted}.`}
            </ProbeVerdict>
          ) : null}
          <table className="plain">
            <thead>
              <tr>
                <th>Protocol</th>
                <th>Address</th>
                <th>Process</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((s) => (
                <tr key={`${s.protocol}-${s.address}-${s.port}`}>
                  <td>{s.protocol}</td>
                  <td className="mono">{where(s)}</td>
                  <td>
                    {s.pid === undefined ? (
                      <span className="muted">not visible (another user's process?)</span>
                    ) : (
                      `${s.command ?? '?'} (pid ${s.pid})`
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}
