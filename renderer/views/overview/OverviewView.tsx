import { useDeferredValue, useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Exchange } from '../../../shared/model';
import { computeStatistics, filterForSeries } from '../../../shared/statistics';
import type { Percentiles, SessionStatistics } from '../../../shared/statistics';
import { TIMING_COLORS, TIMING_LABELS, TIMING_PHASES } from '../../../shared/timing';
import { useStore } from '../../store';
import { selectParsedFilter } from '../../store/selectors';
import { seriesColor } from './chartColors';
import { renderClickableBar } from './ClickableBar';
import './overview.css';
import { formatBytes, formatDurationMs } from '../../../shared/format';

type Scope = 'session' | 'filtered';
type Quantile = keyof Percentiles;

function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function quote(value: string): string {
  return /\s/.test(value) ? `"${value}"` : value;
}

function useStatistics(scope: Scope): { stats: SessionStatistics; filtered: boolean } {
  // Deferred: during a burst of traffic the charts lag a little instead of slowing the app down.
  const version = useDeferredValue(useStore((s) => s.exchangesVersion));
  const filterText = useStore((s) => s.filterText);
  const ids = useDeferredValue(useStore((s) => s.ids));
  const byId = useStore((s) => s.byId);
  return useMemo(() => {
    void version;
    const all = ids.map((id) => byId.get(id)).filter((e): e is Exchange => e !== undefined);
    const parsed = selectParsedFilter({ filterText });
    const useFilter = scope === 'filtered' && !parsed.empty;
    const list = useFilter ? all.filter(parsed.predicate) : all;
    return { stats: computeStatistics(list), filtered: useFilter };
  }, [version, filterText, ids, byId, scope]);
}

function Card({
  title,
  children,
  className,
}: {
  title: string;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <section className={`overview-card ${className ?? ''}`} aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** The session at a glance; every chart element filters the traffic view to what it stands for. */
export function OverviewView() {
  const [scope, setScope] = useState<Scope>('session');
  const [quantile, setQuantile] = useState<Quantile>('p95');
  const filterText = useStore((s) => s.filterText);
  const setFilter = useStore((s) => s.setFilter);
  const setView = useStore((s) => s.setView);
  const select = useStore((s) => s.select);
  const { stats, filtered } = useStatistics(scope);

  const applyFilter = (filter: string) => {
    setFilter(filter);
    setView('traffic');
  };
  const openExchange = (id: string) => {
    setFilter('');
    select(id);
    setView('traffic');
  };

  const timeData = stats.buckets.map((b) => ({ t: clock(b.startMs), ok: b.ok, ...b.errors }));
  const statusData = stats.statusCodes.map((s) => ({ ...s, fill: seriesColor(s.statusClass) }));
  const hosts = stats.latencyByHost.slice(0, 12);
  const latencyData = hosts.map((h) => {
    const row: Record<string, string | number> = { host: h.host || '(none)', count: h.count };
    for (const phase of TIMING_PHASES) {
      const p = h.phases[phase];
      if (p) row[phase] = Math.round(p[quantile] * 10) / 10;
    }
    return row;
  });
  const phasesPresent = TIMING_PHASES.filter((phase) => hosts.some((h) => h.phases[phase] !== undefined));
  const errorRate = stats.total === 0 ? 0 : (stats.failed / stats.total) * 100;

  return (
    <section className="overview-view" aria-label="Overview">
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Scope">
          <button type="button" aria-pressed={scope === 'session'} onClick={() => setScope('session')}>
            Session
          </button>
          <button
            type="button"
            aria-pressed={scope === 'filtered'}
            onClick={() => setScope('filtered')}
            title={filterText ? `Filter: ${filterText}` : 'No filter is set in the traffic view'}
          >
            Filtered set
          </button>
        </div>
        <span className="overview-totals">
          <strong>{stats.total}</strong> requests · <strong>{stats.failed}</strong> failed (
          {errorRate.toFixed(1)}%)
          {filtered ? <span className="muted"> · filter: {filterText}</span> : null}
        </span>
      </div>
      {stats.total === 0 ? (
        <div className="empty-state">
          <h2>Nothing to summarise yet</h2>
          <p>
            Send traffic through the proxy (or import a HAR) and this page charts requests, errors and
            latency.
          </p>
        </div>
      ) : (
        <div className="overview-grid">
          <Card title="Requests and errors over time" className="wide">
            <p className="muted chart-hint">
              Per {formatDurationMs(stats.bucketMs)}; errors stacked by class. Click a segment to filter the
              traffic.
            </p>
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={timeData}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="t" fontSize={11} minTickGap={24} />
                <YAxis allowDecimals={false} fontSize={11} width={40} />
                <Tooltip />
                <Legend itemSorter={null} />
                <Bar
                  dataKey="ok"
                  name="ok"
                  stackId="a"
                  fill={seriesColor('ok')}
                  isAnimationActive={false}
                  shape={(props) => renderClickableBar(props, filterForSeries('ok'), applyFilter)}
                />
                {stats.errorSeries.map((series, i) => (
                  <Bar
                    key={series}
                    dataKey={series}
                    name={series}
                    stackId="a"
                    fill={seriesColor(series, i)}
                    isAnimationActive={false}
                    shape={(props) => renderClickableBar(props, filterForSeries(series), applyFilter)}
                  />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </Card>

          <Card title="Status codes" className="status-chart">
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={statusData}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="status" fontSize={11} />
                <YAxis allowDecimals={false} fontSize={11} width={40} />
                <Tooltip />
                <Bar
                  dataKey="count"
                  name="exchanges"
                  isAnimationActive={false}
                  shape={(props) => {
                    const status = (props.payload as { status: string }).status;
                    return renderClickableBar(
                      { ...props, fill: seriesColor((props.payload as { statusClass: string }).statusClass) },
                      status === 'error' ? 'is:error' : `status:${status}`,
                      applyFilter,
                    );
                  }}
                />
              </BarChart>
            </ResponsiveContainer>
            <div className="status-classes">
              {['2xx', '3xx', '4xx', '5xx'].map((cls) => {
                const count = stats.statusCodes
                  .filter((s) => s.statusClass === cls)
                  .reduce((n, s) => n + s.count, 0);
                return count === 0 ? null : (
                  <button
                    key={cls}
                    type="button"
                    className="chip"
                    onClick={() => applyFilter(`status:${cls}`)}
                  >
                    <span className="swatch" style={{ background: seriesColor(cls) }} />
                    {cls}: {count}
                  </button>
                );
              })}
            </div>
          </Card>

          <Card title="Latency per host, by phase" className="latency-chart">
            <div className="segmented" role="group" aria-label="Percentile">
              {(['p50', 'p95', 'p99'] as const).map((q) => (
                <button key={q} type="button" aria-pressed={quantile === q} onClick={() => setQuantile(q)}>
                  {q}
                </button>
              ))}
            </div>
            <p className="muted chart-hint">
              Each phase&apos;s {quantile} per host, stacked (so the bar is not the {quantile} of the total:
              the table below has that). Click a bar to filter by host.
            </p>
            <ResponsiveContainer width="100%" height={Math.max(160, 34 * latencyData.length + 60)}>
              <BarChart data={latencyData} layout="vertical" margin={{ left: 16 }}>
                <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                <XAxis type="number" unit=" ms" fontSize={11} />
                <YAxis type="category" dataKey="host" width={140} fontSize={11} />
                <Tooltip />
                <Legend itemSorter={null} />
                {phasesPresent.map((phase) => (
                  <Bar
                    key={phase}
                    dataKey={phase}
                    name={TIMING_LABELS[phase]}
                    stackId="phases"
                    fill={TIMING_COLORS[phase]}
                    isAnimationActive={false}
                    shape={(props) =>
                      renderClickableBar(
                        props,
                        `host:${quote(String((props.payload as { host: string }).host))}`,
                        applyFilter,
                      )
                    }
                  />
                ))}
              </BarChart>
            </ResponsiveContainer>
            <table className="overview-table" aria-label="Latency percentiles">
              <thead>
                <tr>
                  <th>Host</th>
                  <th className="num">n</th>
                  <th className="num">p50</th>
                  <th className="num">p95</th>
                  <th className="num">p99</th>
                </tr>
              </thead>
              <tbody>
                {hosts.map((h) => (
                  <tr key={h.host} onClick={() => applyFilter(`host:${quote(h.host)}`)} className="clickable">
                    <td>{h.host}</td>
                    <td className="num">{h.count}</td>
                    <td className="num">{formatDurationMs(h.total.p50)}</td>
                    <td className="num">{formatDurationMs(h.total.p95)}</td>
                    <td className="num">{formatDurationMs(h.total.p99)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>

          <Card title="Slowest endpoints">
            <table className="overview-table" aria-label="Slowest endpoints">
              <thead>
                <tr>
                  <th>Endpoint</th>
                  <th className="num">n</th>
                  <th className="num">p50</th>
                  <th className="num">p95</th>
                  <th className="num">max</th>
                </tr>
              </thead>
              <tbody>
                {stats.slowestEndpoints.map((e) => (
                  <tr
                    key={`${e.method} ${e.host}${e.path}`}
                    className="clickable"
                    onClick={() => {
                      const fixed = e.path.split('/:id')[0] ?? '';
                      applyFilter(
                        `method:${e.method} host:${quote(e.host)}${fixed && fixed !== '/' ? ` ${quote(fixed)}` : ''}`,
                      );
                    }}
                  >
                    <td className="mono">
                      {e.method} {e.host}
                      {e.path}
                    </td>
                    <td className="num">{e.count}</td>
                    <td className="num">{formatDurationMs(e.p50Ms)}</td>
                    <td className="num">{formatDurationMs(e.p95Ms)}</td>
                    <td className="num">
                      <button
                        type="button"
                        className="link"
                        onClick={(ev) => {
                          ev.stopPropagation();
                          openExchange(e.slowestId);
                        }}
                      >
                        {formatDurationMs(e.maxMs)}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>

          <Card title="Largest responses">
            <table className="overview-table" aria-label="Largest responses">
              <thead>
                <tr>
                  <th>URL</th>
                  <th>Type</th>
                  <th className="num">Size</th>
                </tr>
              </thead>
              <tbody>
                {stats.largestResponses.map((r) => (
                  <tr key={r.id} className="clickable" onClick={() => openExchange(r.id)}>
                    <td className="mono ellipsis" title={r.url}>
                      {r.method} {r.url}
                    </td>
                    <td>{r.contentType?.split(';')[0] ?? ''}</td>
                    <td className="num">{formatBytes(r.sizeBytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>

          <Card title="Top error messages" className="wide">
            {stats.topErrors.length === 0 ? (
              <p className="muted">No errors.</p>
            ) : (
              <table className="overview-table" aria-label="Top error messages">
                <thead>
                  <tr>
                    <th className="num">n</th>
                    <th>Class</th>
                    <th>Message</th>
                    <th>Hosts</th>
                  </tr>
                </thead>
                <tbody>
                  {stats.topErrors.map((e) => (
                    <tr
                      key={`${e.kind}-${e.errorClass ?? e.status}-${e.exampleId}`}
                      className="clickable"
                      onClick={() =>
                        applyFilter(e.kind === 'error' ? `error:${e.errorClass}` : `status:${e.status}`)
                      }
                    >
                      <td className="num">{e.count}</td>
                      <td className="mono">{e.errorClass ?? e.status}</td>
                      <td>{e.message}</td>
                      <td className="muted">{e.hosts.join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </div>
      )}
    </section>
  );
}
