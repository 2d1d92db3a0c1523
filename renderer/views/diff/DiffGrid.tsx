/**
 * The one column grid of every table in the Diff view: a name column, the left and the right
 * side at equal widths, and a narrow column for the kind of change. Sections line up, so the
 * eye runs down one column per side.
 */
export function DiffGridColumns() {
  return (
    <colgroup>
      <col className="diff-col-name" />
      <col className="diff-col-side" />
      <col className="diff-col-side" />
      <col className="diff-col-note" />
    </colgroup>
  );
}
