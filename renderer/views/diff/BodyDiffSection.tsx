import type { BodyDiff, BodyFacts, ByteWindow } from '../../../shared/diff';
import { BYTE_VERDICT_TEXT } from '../../../shared/diff';
import { ChangeTable } from './ChangeTable';
import { DiffGridColumns } from './DiffGrid';
import { foldRows, jsonLineKey, sideBySideRows, type SideBySideRow } from './sideBySide';
import { formatBytes } from '../../../shared/format';

const MAX_ROWS_SHOWN = 400;

/** Hex bytes in groups of eight, the differing byte marked. */
function HexCell({ window, offset }: { window: ByteWindow; offset: number }) {
  return (
    <td className="mono byte-cell">
      {window.hex.map((hex, i) => (
        <span key={i}>
          <span className={window.startOffset + i === offset ? 'byte-diff' : undefined}>{hex}</span>
          {i % 8 === 7 ? '  ' : ' '}
        </span>
      ))}
    </td>
  );
}

function TextCell({ window, offset }: { window: ByteWindow; offset: number }) {
  return (
    <td className="mono byte-cell">
      {[...window.text].map((ch, i) => (
        <span key={i} className={window.startOffset + i === offset ? 'byte-diff' : undefined}>
          {ch}
        </span>
      ))}
    </td>
  );
}

const ROW_LABEL: Record<SideBySideRow['kind'], string> = {
  same: '',
  changed: 'changed',
  removed: 'only left',
  added: 'only right',
};

/** The two bodies in two columns, line against line; unchanged runs folded. */
function SideBySide({
  rows,
  label,
  truncated,
}: {
  rows: readonly SideBySideRow[];
  label: string;
  truncated?: boolean;
}) {
  const shown = foldRows(rows).slice(0, MAX_ROWS_SHOWN);
  return (
    <table className="line-diff diff-grid mono" aria-label={label}>
      <DiffGridColumns />
      <thead>
        <tr>
          <th>Line</th>
          <th>Left</th>
          <th>Right</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {shown.map((item, i) =>
          item.fold ? (
            <tr key={i} className="line-fold">
              <td colSpan={4}>
                ⋯ {item.count} unchanged line{item.count === 1 ? '' : 's'}
              </td>
            </tr>
          ) : (
            <tr
              key={i}
              className={`line-${item.row.kind}${item.row.moved ? ' line-moved' : ''}`}
              data-kind={item.row.kind}
            >
              <td className="line-numbers">
                <span>{item.row.left?.line ?? ''}</span>
                <span>{item.row.right?.line ?? ''}</span>
              </td>
              <td className="line-text line-left">{item.row.left?.text ?? ''}</td>
              <td className="line-text line-right">{item.row.right?.text ?? ''}</td>
              <td className="change-kind">{item.row.moved ? '↕ moved' : ROW_LABEL[item.row.kind]}</td>
            </tr>
          ),
        )}
        {truncated || shown.length === MAX_ROWS_SHOWN ? (
          <tr className="line-fold">
            <td colSpan={4}>Cut short here; the bytes above show where the bodies first differ.</td>
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

function lineEndingsText(f: BodyFacts): string {
  if (f.lineEndings === undefined) return '';
  const final =
    f.endsWithNewline === undefined ? '' : f.endsWithNewline ? ', final newline' : ', no final newline';
  return `${f.lineEndings}${final}`;
}

/** The facts of both bodies, one row per fact, in the view's column grid. */
function FactsTable({ title, diff }: { title: string; diff: BodyDiff }) {
  const facts: [string, (f: BodyFacts) => string][] = [
    ['Size', (f) => (f.captured ? formatBytes(f.sizeBytes) : 'not captured')],
    ['Type', (f) => f.contentType ?? ''],
    ['Encoding', (f) => f.encoding ?? ''],
    ['Line endings', lineEndingsText],
    ['SHA-256', (f) => (f.sha256 ? `${f.sha256.slice(0, 16)}…` : '')],
  ];
  return (
    <table className="facts-table diff-grid" aria-label={`${title} facts`}>
      <DiffGridColumns />
      <tbody>
        {facts.map(([name, value]) => {
          const l = value(diff.left);
          const r = value(diff.right);
          if (l === '' && r === '') return null;
          return (
            <tr key={name} className={l === r ? 'change-same' : 'change-changed'}>
              <th scope="row">{name}</th>
              <td
                className={name === 'SHA-256' ? 'mono value' : 'value'}
                title={name === 'SHA-256' ? diff.left.sha256 : undefined}
              >
                {l}
              </td>
              <td
                className={name === 'SHA-256' ? 'mono value' : 'value'}
                title={name === 'SHA-256' ? diff.right.sha256 : undefined}
              >
                {r}
              </td>
              <td className="change-kind">{l === r ? '' : 'differs'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** One body (request or response): the byte verdict, the facts, the bytes, then the content side by side. */
export function BodyDiffSection({ title, diff }: { title: string; diff: BodyDiff }) {
  const first = diff.firstDifference;
  const pretty = diff.prettyJson;
  const changedText = diff.lines?.some((l) => l.op !== 'same');
  const showPretty = pretty !== undefined && (pretty.reordered || pretty.lines.some((l) => l.op !== 'same'));
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
      <FactsTable title={title} diff={diff} />
      {first ? (
        <>
          <h4>
            First differing byte: offset {first.offset}
            {first.leftLine !== undefined ? ` (line ${first.leftLine}, column ${first.leftColumn})` : ''}
          </h4>
          <table className="byte-view diff-grid" aria-label={`${title} bytes`}>
            <DiffGridColumns />
            <tbody>
              <tr>
                <th scope="row">Hex from {Math.min(first.left.startOffset, first.right.startOffset)}</th>
                <HexCell window={first.left} offset={first.offset} />
                <HexCell window={first.right} offset={first.offset} />
                <td />
              </tr>
              <tr>
                <th scope="row">Text</th>
                <TextCell window={first.left} offset={first.offset} />
                <TextCell window={first.right} offset={first.offset} />
                <td />
              </tr>
            </tbody>
          </table>
        </>
      ) : null}
      {showPretty ? (
        <>
          <h4>Pretty-printed JSON, side by side</h4>
          {pretty.reordered ? (
            <p className="muted diff-moved-note">
              The right body is shown in the left body&apos;s key order: {pretty.movedKeys} member
              {pretty.movedKeys === 1 ? '' : 's'} marked ↕ moved sit{pretty.movedKeys === 1 ? 's' : ''}{' '}
              elsewhere in the right body (its bytes, above, keep the real order).
            </p>
          ) : null}
          <SideBySide
            rows={sideBySideRows(pretty.lines, jsonLineKey)}
            label={`${title} side by side`}
            truncated={pretty.truncated}
          />
        </>
      ) : changedText && diff.lines && diff.kind !== 'form' ? (
        <>
          <h4>Lines, side by side</h4>
          <SideBySide
            rows={sideBySideRows(diff.lines)}
            label={`${title} side by side`}
            truncated={diff.linesTruncated}
          />
        </>
      ) : null}
      {diff.jsonChanges && diff.jsonChanges.length > 0 ? (
        <details className="diff-paths">
          <summary>JSON paths that differ ({diff.jsonChanges.length})</summary>
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
        </details>
      ) : null}
      {diff.formFields ? (
        <>
          <h4>Form fields</h4>
          <ChangeTable label={`${title} form fields`} rows={diff.formFields} />
        </>
      ) : null}
    </section>
  );
}
