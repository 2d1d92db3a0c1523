import type { ValueChange } from '../../../shared/diff';
import { DiffGridColumns } from './DiffGrid';

const KIND_LABEL: Record<ValueChange['kind'], string> = {
  same: '',
  added: 'only right',
  removed: 'only left',
  changed: 'changed',
};

/** A two-sided table of values: one row per name, the change marked. */
export function ChangeTable({
  rows,
  label,
  hideSame = false,
  nameHeader = 'Name',
}: {
  rows: readonly ValueChange[];
  label: string;
  hideSame?: boolean;
  nameHeader?: string;
}) {
  const shown = hideSame ? rows.filter((r) => r.kind !== 'same') : rows;
  if (shown.length === 0)
    return <p className="muted">{hideSame && rows.length > 0 ? 'All the same.' : 'None.'}</p>;
  return (
    <table className="change-table diff-grid" aria-label={label}>
      <DiffGridColumns />
      <thead>
        <tr>
          <th>{nameHeader}</th>
          <th>Left</th>
          <th>Right</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {shown.map((row, i) => (
          <tr key={`${row.name}-${i}`} className={`change-${row.kind}`}>
            <td className="mono">{row.name}</td>
            <td className="mono value">{row.left ?? ''}</td>
            <td className="mono value">{row.right ?? ''}</td>
            <td className="change-kind">
              {KIND_LABEL[row.kind]}
              {row.note ? <div className="muted">{row.note}</div> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
