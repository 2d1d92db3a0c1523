import { useMemo } from 'react';
import type { Exchange } from '../../../shared/model';
import { useStore } from '../../store';

/** Options are capped: a select with 100 000 entries helps nobody; the latest come first. */
const MAX_OPTIONS = 500;

export function exchangeLabel(exchange: Exchange): string {
  const outcome = exchange.error
    ? exchange.error.class
    : exchange.response
      ? String(exchange.response.status)
      : exchange.state;
  let path = exchange.request.url;
  try {
    const url = new URL(exchange.request.url);
    path = `${url.host}${url.pathname}${url.search}`;
  } catch {
    // CONNECT targets and the like: keep as is.
  }
  return `#${exchange.seq} ${exchange.request.method} ${path} → ${outcome}`;
}

export function ExchangePicker({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string | undefined;
  onChange: (id: string) => void;
}) {
  const ids = useStore((s) => s.ids);
  const byId = useStore((s) => s.byId);
  const version = useStore((s) => s.exchangesVersion);
  const options = useMemo(() => {
    void version;
    const recent = ids.slice(-MAX_OPTIONS).reverse();
    if (value !== undefined && !recent.includes(value) && byId.has(value)) recent.unshift(value);
    return recent
      .map((id) => byId.get(id))
      .filter((e): e is Exchange => e !== undefined && e.kind === 'http');
  }, [ids, byId, value, version]);
  return (
    <label className="exchange-picker">
      <span>{label}</span>
      <select aria-label={label} value={value ?? ''} onChange={(event) => onChange(event.target.value)}>
        <option value="" disabled>
          Pick an exchange…
        </option>
        {options.map((e) => (
          <option key={e.id} value={e.id}>
            {exchangeLabel(e)}
          </option>
        ))}
      </select>
    </label>
  );
}
