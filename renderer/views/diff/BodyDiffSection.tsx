import type { BodyDiff, ByteWindow, LineOp } from '../../../shared/diff';
import { BYTE_VERDICT_TEXT } from '../../../shared/diff';
import { ChangeTable } from './ChangeTable';
import { formatBytes } from '../../../shared/format';

const MAX_LINES_SHOWN = 400;
/** Unchanged lines kept around each change; longer runs fold into one row. */
const CONTEXT_LINES = 3;

function ByteRow({ name, window, offset }: { name: string; window: ByteWindow; offset: number }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td className="mono">
        {window.hex.map((hex, i) => (
          <span key={i} className={window.startOffset + i === offset ? 'byte-diff' : undefined}>
            {hex}{' '}
          </span>
        ))}
      </td>
      <td className="mono">
        {[...window.text].map((ch, i) => (
          <span key={i} className={window.startOffset + i === offset ? 'byte-diff' : undefined}>
            {ch}
          </span>
        ))}
      </td>
    </tr>
  );
}

type LineRow = { kind: 'op'; op: LineOp } | { kind: 'fold'; count: number };

/** Keeps changes with a little context; folds long unchanged runs. */
function foldLines(lines: readonly LineOp[]): LineRow[] {
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((line, i) => {
    if (line.op === 'same') return;
    for (let j = Math.max(0, i - CONTEXT_LINES); j <= Math.min(lines.length - 1, i + CONTEXT_LINES); j += 1)
      keep[j] = true;
  });
  const rows: LineRow[] = [];
  let folded = 0;
  lines.forEach((line, i) => {
    if (keep[i]) {
      if (folded > 0) rows.push({ kind: 'fold', count: folded });
      folded = 0;
      rows.push({ kind: 'op', op: line });
    } else folded += 1;
  });
  if (folded > 0) rows.push({ kind: 'fold', count: folded });
  return rows;
}

function LineDiff({ lines, truncated }: { lines: readonly LineOp[]; truncated?: boolean }) {
  const rows = foldLines(lines).slice(0, MAX_LINES_SHOWN);
  return (
    <table className="line-diff mono" aria-label="Line diff">
      <tbody>
        {rows.map((row, i) =>
          row.kind === 'fold' ? (
            <tr key={i} className="line-fold">
              <td colSpan={4}>
                ⋯ {row.count} unchanged line{row.count === 1 ? '' : 's'}
              </td>
            </tr>
          ) : (
            <tr key={i} className={`line-${row.op.op}`}>
              <td className="num">{row.op.op !== 'added' ? row.op.leftLine : ''}</td>
              <td className="line-text">{row.op.op !== 'added' ? row.op.text : ''}</td>
              <td className="num">{row.op.op !== 'removed' ? row.op.rightLine : ''}</td>
              <td className="line-text">{row.op.op !== 'removed' ? row.op.text : ''}</td>
            </tr>
          ),
        )}
        {truncated || rows.length === MAX_LINES_SHOWN ? (
          <tr className="line-fold">
            <td colSpan={4}>Line diff cut short; the byte view shows where the bodies first differ.</td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}

function verdictClass(diff: BodyDiff): string {
  if (diff.verdict === 'identical' || diff.verdict === 'both_empty') return 'badge';
  if (diff.verdict === 'different') return 'badge danger';
  return 'badge warn';
}

/** One body (request or response): the byte verdict, then the content diff. */
export function BodyDiffSection({ title, diff }: { title: string; diff: BodyDiff }) {
  const first = diff.firstDifference;
  return (
    <section className="diff-section" aria-label={title}>
      <h3>
        {title} <span className={verdictClass(diff)}>{BYTE_VERDICT_TEXT[diff.verdict]}</span>
      </h3>
      <p className="body-verdict">{diff.description}</p>
      {diff.verdicts.length > 1 ? (
        <ul className="verdict-list">
          {diff.verdicts.map((v) => (
            <li key={v}>{BYTE_VERDICT_TEXT[v]}</li>
          ))}
        </ul>
      ) : null}
      {diff.notes.map((note) => (
        <p key={note} className="muted">
          {note}
        </p>
      ))}
      <table className="facts-table" aria-label={`${title} facts`}>
        <thead>
          <tr>
            <th />
            <th>Size</th>
            <th>Type</th>
            <th>Encoding</th>
            <th>Line endings</th>
            <th>SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {(['left', 'right'] as const).map((side) => {
            const f = diff[side];
            return (
              <tr key={side}>
                <th scope="row">{side}</th>
                <td className="num">{f.captured ? formatBytes(f.sizeBytes) : 'not captured'}</td>
                <td>{f.contentType ?? ''}</td>
                <td>{f.encoding ?? ''}</td>
                <td>
                  {f.lineEndings ?? ''}
                  {f.endsWithNewline === undefined
                    ? ''
                    : f.endsWithNewline
                      ? ', final newline'
                      : ', no final newline'}
                </td>
                <td className="mono" title={f.sha256}>
                  {f.sha256 ? `${f.sha256.slice(0, 16)}…` : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {first ? (
        <>
          <h4>
            First differing byte: offset {first.offset}
            {first.leftLine !== undefined ? ` (line ${first.leftLine}, column ${first.leftColumn})` : ''}
          </h4>
          <table className="byte-view" aria-label={`${title} bytes`}>
            <tbody>
              <ByteRow name="left" window={first.left} offset={first.offset} />
              <ByteRow name="right" window={first.right} offset={first.offset} />
            </tbody>
          </table>
        </>
      ) : null}
      {diff.jsonChanges && diff.jsonChanges.length > 0 ? (
        <>
          <h4>JSON structure</h4>
          <ChangeTable
            label={`${title} JSON changes`}
            nameHeader="Path"
            rows={diff.jsonChanges.map((c) => ({
              name: c.path,
              kind: c.kind,
              ...(c.left !== undefined ? { left: c.left } : {}),
              ...(c.right !== undefined ? { right: c.right } : {}),
            }))}
          />
        </>
      ) : null}
      {diff.formFields ? (
        <>
          <h4>Form fields</h4>
          <ChangeTable label={`${title} form fields`} rows={diff.formFields} />
        </>
      ) : null}
      {diff.lines && diff.lines.some((l) => l.op !== 'same') ? (
        <>
          <h4>Lines</h4>
          <LineDiff lines={diff.lines} truncated={diff.linesTruncated} />
        </>
      ) : null}
    </section>
  );
}
