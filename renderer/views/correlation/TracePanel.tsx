import type { Exchange } from '../../../shared/model';

// Placeholder: lists the other exchanges of the same trace (analysis work).
export function TracePanel(_props: { exchange: Exchange }) {
  return null;
}
