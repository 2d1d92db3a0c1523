import { formatDuration, keepUnitsTogether } from '../../format';
import { exchangeTimeMs } from '../../../shared/timing';
import type { Exchange } from '../../../shared/model';
import { errorLabel } from '../../../shared/errorClasses';

/** The prominent failure summary: error class, phase, time and the actionable message. */
export function DiagnosisBanner({ exchange }: { exchange: Exchange }) {
  const error = exchange.error;
  if (error) {
    return (
      <div className="diagnosis" role="alert" aria-label="Diagnosis">
        <div>
          ✖ {errorLabel(error)}: <strong>{error.class}</strong> in phase <strong>{error.phase}</strong> after{' '}
          {formatDuration(exchangeTimeMs(exchange))}
          {error.code ? <span className="muted"> ({error.code})</span> : null}
        </div>
        <p>{keepUnitsTogether(error.message)}</p>
        {error.detail && <p className="muted">Detail: {error.detail}</p>}
      </div>
    );
  }
  const status = exchange.response?.status;
  if (status !== undefined && status >= 400) {
    return (
      <div className="diagnosis http" aria-label="Diagnosis">
        ⚠{' '}
        <strong>
          HTTP {status} {exchange.response!.statusText}
        </strong>
        <p>
          The server answered with a {status >= 500 ? 'server' : 'client'} error. The network worked: compare
          the request with one that succeeded.
        </p>
      </div>
    );
  }
  return null;
}

export function DiagnosisTab({ exchange }: { exchange: Exchange }) {
  const error = exchange.error;
  if (!error && !(exchange.response && exchange.response.status >= 400))
    return (
      <p className="muted">
        Nothing to diagnose: this exchange {exchange.state === 'pending' ? 'is still running' : 'succeeded'}.
      </p>
    );
  return (
    <div>
      <DiagnosisBanner exchange={exchange} />
      {error && (
        <table className="kv" aria-label="Error details" style={{ marginTop: 12 }}>
          <tbody>
            <tr>
              <th scope="row">Class</th>
              <td>{error.class}</td>
            </tr>
            <tr>
              <th scope="row">Phase</th>
              <td>{error.phase}</td>
            </tr>
            <tr>
              <th scope="row">Elapsed</th>
              <td>{formatDuration(exchangeTimeMs(exchange))}</td>
            </tr>
            <tr>
              <th scope="row">Message</th>
              <td>{keepUnitsTogether(error.message)}</td>
            </tr>
            {error.detail && (
              <tr>
                <th scope="row">Detail</th>
                <td>{error.detail}</td>
              </tr>
            )}
            {error.code && (
              <tr>
                <th scope="row">OS code</th>
                <td>{error.code}</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}
