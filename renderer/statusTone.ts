/**
 * One colour system for outcomes — status classes and failures — apart from the phase colours
 * (shared/timing.ts): the list, the waterfall, the Overview, the monitors and the retries all
 * read an outcome's tone here and its colour from the `--status-*` variables of the stylesheet
 * (each chosen for 4.5:1 contrast on every row background, light and dark).
 */
import type { Exchange } from '../shared/model';

export type StatusTone = '2xx' | '3xx' | '4xx' | '5xx' | 'error' | 'pending' | 'info';

export const STATUS_TONES: readonly StatusTone[] = ['2xx', '3xx', '4xx', '5xx', 'error', 'pending', 'info'];

export interface Outcome {
  status?: number;
  failed?: boolean;
  pending?: boolean;
}

export function statusTone({ status, failed, pending }: Outcome): StatusTone {
  if (failed) return 'error';
  if (status !== undefined) {
    if (status >= 500) return '5xx';
    if (status >= 400) return '4xx';
    if (status >= 300) return '3xx';
    if (status >= 200) return '2xx';
    return 'info';
  }
  return pending ? 'pending' : 'info';
}

/** An exchange's outcome: what the list's Status cell, the waterfall's labels and the charts show. */
export function exchangeTone(exchange: Pick<Exchange, 'response' | 'error' | 'state'>): StatusTone {
  return statusTone({
    status: exchange.response?.status,
    failed: exchange.error !== undefined,
    pending: exchange.state === 'pending',
  });
}

/** The mark before a status: ✖ no response (a NetLens error), ⚠ an HTTP 4xx/5xx; the same everywhere. */
export function statusMark(tone: StatusTone): string {
  return tone === 'error' ? '✖' : tone === '4xx' || tone === '5xx' ? '⚠' : '';
}

/** The tone a status-class or series name stands for (`2xx`, `ok`, `error`, an error class → error). */
export function toneOfSeries(name: string): StatusTone {
  if (name === 'ok' || name === '2xx') return '2xx';
  if (name === '3xx' || name === '4xx' || name === '5xx') return name;
  if (name === '1xx') return 'info';
  return 'error';
}

/** The CSS variable of a tone, for HTML (`color: var(--status-2xx)`). */
export function toneVar(tone: StatusTone): string {
  return `--status-${tone}`;
}
